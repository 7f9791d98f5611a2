// Tests of the embedded AccountStore (placeholder until they land).
#include "storage/accounts.hpp"
