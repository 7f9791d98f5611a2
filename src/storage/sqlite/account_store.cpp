// Placeholder until its implementation lands (issue 3).
#include "storage/accounts.hpp"
