// Tests of security/crypto: Argon2id hashes and their cost, tokens, SHA-256, constant-time
// comparison and the password policy.
#include "security/crypto.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"

namespace shikong::security {
namespace {

// Made once with libsodium 1.0.18 (argon2id, m=8 KiB, t=1) from "correct horse 电池", and an
// Argon2i hash of "correct horse": fixed strings prove old hashes keep verifying.
constexpr std::string_view kFixedArgon2id =
    "$argon2id$v=19$m=8,t=1,p=1$KK/xBwzhI5PFKumR1P/VNQ$fOQ5XAieRMff+2Vei/Jzjml4MyfhbJhSJywJiIAsldU";
constexpr std::string_view kFixedArgon2i =
    "$argon2i$v=19$m=8,t=3,p=1$LWOe08cS271VMb79lbMSGg$A0iSSy6LBsy8BUxnEAMW5j/m8pWOr3asojEmraEx1iM";

std::string policy_error(std::string_view password, std::string_view user) {
  try {
    check_password_policy(password, user);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.parameter(), "password");
    return e.code();
  }
  return "ok";
}

}  // namespace

TEST(Crypto, HashAndVerify) {
  const std::string h = hash_password("s3cret-Passw0rd", PasswordCost::test);
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "s3cret-Passw0rd"));
  EXPECT_FALSE(verify_password(h, "s3cret-Passw0rD"));
  EXPECT_FALSE(verify_password(h, ""));
  EXPECT_FALSE(verify_password(h, "s3cret-Passw0rd "));
  // The salt is random: the same password hashes differently, and both verify.
  const std::string h2 = hash_password("s3cret-Passw0rd", PasswordCost::test);
  EXPECT_NE(h, h2);
  EXPECT_TRUE(verify_password(h2, "s3cret-Passw0rd"));
}

TEST(Crypto, VerifiesFixedHashes) {
  EXPECT_TRUE(verify_password(kFixedArgon2id, "correct horse 电池"));
  EXPECT_FALSE(verify_password(kFixedArgon2id, "correct horse 电"));
  EXPECT_TRUE(verify_password(kFixedArgon2i, "correct horse"));
  EXPECT_FALSE(verify_password(kFixedArgon2i, "correct horsE"));
}

TEST(Crypto, MalformedHashesNeverVerify) {
  EXPECT_FALSE(verify_password("", ""));
  EXPECT_FALSE(verify_password("plain-text", "plain-text"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$", ""));
  std::string with_nul(kFixedArgon2id);
  with_nul.insert(20, 1, '\0');
  EXPECT_FALSE(verify_password(with_nul, "correct horse 电池"));
  std::string truncated(kFixedArgon2id.substr(0, kFixedArgon2id.size() - 4));
  EXPECT_FALSE(verify_password(truncated, "correct horse 电池"));
  EXPECT_FALSE(verify_password(std::string(300, 'a'), "x"));
}

TEST(Crypto, NeedsRehashOnlyWhenWeaker) {
  const std::string weak = hash_password("s3cret-Passw0rd", PasswordCost::test);
  EXPECT_TRUE(password_needs_rehash(weak, PasswordCost::interactive));
  EXPECT_TRUE(password_needs_rehash(weak, PasswordCost::moderate));
  EXPECT_FALSE(password_needs_rehash(weak, PasswordCost::test));

  const std::string normal = hash_password("s3cret-Passw0rd", PasswordCost::interactive);
  EXPECT_EQ(normal.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << normal;
  EXPECT_TRUE(verify_password(normal, "s3cret-Passw0rd"));
  EXPECT_FALSE(password_needs_rehash(normal, PasswordCost::interactive));
  EXPECT_FALSE(password_needs_rehash(normal, PasswordCost::test));  // never weakened
  EXPECT_TRUE(password_needs_rehash(normal, PasswordCost::moderate));

  // A stronger hash than the setting is kept (parameters read from the string only).
  EXPECT_FALSE(password_needs_rehash("$argon2id$v=19$m=262144,t=3,p=1$KK/xBwzhI5PFKumR1P/VNQ$x",
                                     PasswordCost::moderate));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=19$m=262144,t=2,p=1$KK/xBwzhI5PFKumR1P/VNQ$x",
                                    PasswordCost::moderate));
  // Other algorithms and malformed strings are replaced.
  EXPECT_TRUE(password_needs_rehash(kFixedArgon2i, PasswordCost::test));
  EXPECT_TRUE(password_needs_rehash("", PasswordCost::test));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=19$m=x,t=1,p=1$a$b", PasswordCost::test));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=19$m=8,t=1,p=1", PasswordCost::test));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=16$m=8,t=1,p=1$a$b", PasswordCost::test));
}

TEST(Crypto, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string_view("a\0b", 3)),
            "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
}

TEST(Crypto, TokensAreUniqueBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    const std::string t = random_token();
    ASSERT_EQ(t.size(), 43u);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << t;
    EXPECT_TRUE(seen.insert(t).second);
  }
  EXPECT_EQ(random_token(1).size(), 2u);
  EXPECT_EQ(random_token(3).size(), 4u);
  EXPECT_EQ(random_token(16).size(), 22u);
  EXPECT_EQ(random_token(0), "");
}

TEST(Crypto, RandomHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string h = random_hex(16);
    ASSERT_EQ(h.size(), 32u);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
    EXPECT_TRUE(seen.insert(h).second);
  }
  EXPECT_EQ(random_hex(0), "");
  EXPECT_EQ(random_hex(1).size(), 2u);
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_TRUE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
}

TEST(Crypto, PasswordPolicy) {
  EXPECT_EQ(policy_error("correct horse", "alice"), "ok");
  EXPECT_EQ(policy_error("abcdefgh", "alice"), "ok");  // exactly 8
  EXPECT_EQ(policy_error("abcdefg", "alice"), "weak-password");
  EXPECT_EQ(policy_error("", "alice"), "weak-password");
  // Characters are code points: 8 Chinese characters pass, 7 (21 bytes) do not.
  EXPECT_EQ(policy_error("我的密码很安全吗", "alice"), "ok");
  EXPECT_EQ(policy_error("我的密码很安全", "alice"), "weak-password");
  EXPECT_EQ(policy_error("密码密码密码密码", "alice"), "ok");
  EXPECT_EQ(policy_error("密密密密密密密密", "alice"), "weak-password");
  EXPECT_EQ(policy_error("😀😀😀😀😀😀😀🙂", "alice"), "ok");
  // One repeated character, however long.
  EXPECT_EQ(policy_error("aaaaaaaa", "alice"), "weak-password");
  EXPECT_EQ(policy_error(std::string(100, 'x'), "alice"), "weak-password");
  EXPECT_EQ(policy_error("aaaaaaab", "alice"), "ok");
  // Not the user name (ASCII case ignored).
  EXPECT_EQ(policy_error("alice-in-chains", "alice-in-chains"), "weak-password");
  EXPECT_EQ(policy_error("Alice-In-Chains", "alice-in-chains"), "weak-password");
  EXPECT_EQ(policy_error("alice-in-chains", "alice"), "ok");
  EXPECT_EQ(policy_error("张三的密码很安全", "张三的密码很安全"), "weak-password");
  // At most 1024 bytes.
  std::string longest;
  for (int i = 0; i < 1024; ++i) longest += static_cast<char>('a' + i % 26);
  EXPECT_EQ(policy_error(longest, "alice"), "ok");
  EXPECT_EQ(policy_error(longest + "b", "alice"), "weak-password");
  // 342 three-byte characters are 1026 bytes though far fewer characters.
  std::string cjk;
  for (int i = 0; i < 171; ++i) cjk += "密码";
  EXPECT_EQ(policy_error(cjk, "alice"), "weak-password");
  // Not UTF-8: stray continuation, overlong, surrogate, cut short, beyond U+10FFFF.
  EXPECT_EQ(policy_error("abcdefgh\x80", "alice"), "weak-password");
  EXPECT_EQ(policy_error("abcdefgh\xc0\xaf", "alice"), "weak-password");
  EXPECT_EQ(policy_error("abcdefgh\xed\xa0\x80", "alice"), "weak-password");
  EXPECT_EQ(policy_error("abcdefgh\xe5\xaf", "alice"), "weak-password");
  EXPECT_EQ(policy_error("abcdefgh\xf4\x90\x80\x80", "alice"), "weak-password");
  EXPECT_EQ(policy_error("abcdefgh\xff", "alice"), "weak-password");
}

}  // namespace shikong::security
