// Tests of security/crypto (placeholder until they land).
#include "security/crypto.hpp"
