// Placeholder until its implementation lands (issue 3).
#include "security/security.hpp"
