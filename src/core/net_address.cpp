// Placeholder until its implementation lands (issue 3).
#include "core/net_address.hpp"
