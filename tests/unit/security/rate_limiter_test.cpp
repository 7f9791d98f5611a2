// Tests of security/rate_limiter (placeholder until they land).
#include "security/rate_limiter.hpp"
