// Password hashing, random tokens, digests and comparison over libsodium; the only file of the
// security engine that calls it.
#include "security/crypto.hpp"

#include <sodium.h>

#include <charconv>
#include <optional>
#include <vector>

#include "core/ascii.hpp"
#include "core/error.hpp"

namespace shikong::security {

namespace {

struct Cost {
  unsigned long long ops;
  std::size_t mem;  // bytes
};

Cost cost_of(PasswordCost c) {
  switch (c) {
    case PasswordCost::moderate:
      return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
    case PasswordCost::test:
      return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
    case PasswordCost::interactive:
      break;
  }
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

// libsodium reads hashes as C strings: refuse what would be cut short or overrun.
bool hash_text_ok(std::string_view hash) {
  return !hash.empty() && hash.size() < crypto_pwhash_STRBYTES &&
         hash.find('\0') == std::string_view::npos;
}

// Reads "<key>=<digits>" at `s` and moves past it.
bool read_param(std::string_view& s, std::string_view key, unsigned long long& value) {
  if (s.substr(0, key.size()) != key) return false;
  s.remove_prefix(key.size());
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

std::string to_hex(const unsigned char* bin, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bin, n);
  out.pop_back();
  return out;
}

}  // namespace

void ensure_crypto() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw InternalError("crypto-init", "the cryptography library could not start");
}

std::string hash_password(std::string_view password, PasswordCost cost) {
  ensure_crypto();
  const Cost c = cost_of(cost);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), c.ops, c.mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    // The only failure with valid parameters is running out of memory.
    throw InternalError("password-hash", "the password could not be hashed");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_crypto();
  if (!hash_text_ok(hash)) return false;
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, PasswordCost cost) {
  // Read the parameters ourselves: libsodium's own check also asks for a rehash when the hash
  // is stronger than `cost`, which would weaken it after a setting is lowered.
  std::string_view s = hash;
  constexpr std::string_view prefix = "$argon2id$v=19$";
  if (!hash_text_ok(hash) || s.substr(0, prefix.size()) != prefix) return true;
  s.remove_prefix(prefix.size());
  unsigned long long m = 0, t = 0, p = 0;
  if (!read_param(s, "m=", m) || !read_param(s, ",t=", t) || !read_param(s, ",p=", p) ||
      s.substr(0, 1) != "$")
    return true;
  const Cost c = cost_of(cost);
  return m < c.mem / 1024 || t < c.ops;
}

std::string random_token(std::size_t bytes) {
  ensure_crypto();
  if (bytes == 0) return {};
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), bytes);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), bytes, variant);
  out.resize(out.find('\0'));
  sodium_memzero(buf.data(), bytes);
  return out;
}

std::string random_hex(std::size_t bytes) {
  ensure_crypto();
  if (bytes == 0) return {};
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), bytes);
  std::string out = to_hex(buf.data(), bytes);
  sodium_memzero(buf.data(), bytes);
  return out;
}

std::string sha256_hex(std::string_view data) {
  ensure_crypto();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(digest, sizeof digest);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  ensure_crypto();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// The code points of valid UTF-8 (no overlongs, surrogates or values above U+10FFFF), or
// nothing when the text is not valid UTF-8.
std::optional<std::vector<char32_t>> decode_utf8(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int extra;
    char32_t cp, min;
    if (b < 0x80) {
      extra = 0, cp = b, min = 0;
    } else if ((b & 0xe0) == 0xc0) {
      extra = 1, cp = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
      extra = 2, cp = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
      extra = 3, cp = b & 0x07, min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (s.size() - i <= static_cast<std::size_t>(extra)) return std::nullopt;  // cut short
    for (int k = 1; k <= extra; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return std::nullopt;
      cp = cp << 6 | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

[[noreturn]] void weak(const char* why) {
  throw InvalidInput("weak-password", why, "password");
}

}  // namespace

void check_password_policy(std::string_view password, std::string_view user_name) {
  if (password.size() > 1024) weak("a password is at most 1024 bytes long");
  auto cps = decode_utf8(password);
  if (!cps) weak("a password must be valid UTF-8 text");
  if (cps->size() < 8) weak("a password has at least 8 characters");
  bool all_same = true;
  for (char32_t c : *cps) all_same = all_same && c == cps->front();
  if (all_same) weak("a password must not be one character repeated");
  if (ascii_iequals(password, user_name)) weak("a password must not be the user name");
}

}  // namespace shikong::security
