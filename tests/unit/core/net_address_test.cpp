// Tests of core/net_address (placeholder until they land).
#include "core/net_address.hpp"
