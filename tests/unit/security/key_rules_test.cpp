// Tests of security/key_rules (placeholder until they land).
#include "security/key_rules.hpp"
