// Tests of security/security (placeholder until they land).
#include "security/security.hpp"
