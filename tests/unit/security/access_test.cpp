// Tests of security/access (placeholder until they land).
#include "security/access.hpp"
