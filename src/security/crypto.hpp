// Secrets of the supporting environment, all through libsodium: Argon2id password hashes,
// random tokens, SHA-256 digests of tokens and keys, and constant-time comparison.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace shikong::security {

// Argon2id cost; `interactive` is libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE (64 MiB), `test`
// the smallest allowed cost, for unit tests only.
enum class PasswordCost { interactive, moderate, test };

// Calls sodium_init() once; throws Internal("crypto-init") if libsodium cannot start.
void ensure_crypto();

// The "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string (salt random, parameters inside).
std::string hash_password(std::string_view password, PasswordCost cost = PasswordCost::interactive);
// False for a wrong password or a malformed hash; never throws for either.
bool verify_password(std::string_view hash, std::string_view password);
// True when the hash was made with a weaker cost than `cost` (rehash after a good login).
bool password_needs_rehash(std::string_view hash, PasswordCost cost);

// `bytes` random bytes as unpadded base64url (a 32-byte token is 43 characters).
std::string random_token(std::size_t bytes = 32);
// `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);
// SHA-256 of `data` as 64 lower-case hex characters.
std::string sha256_hex(std::string_view data);
// Equal length and content, in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Password policy: at least 8 characters (code points), at most 1024 bytes, not only one
// repeated character, and not equal to the user name. Throws InvalidInput("weak-password").
void check_password_policy(std::string_view password, std::string_view user_name);

}  // namespace shikong::security
