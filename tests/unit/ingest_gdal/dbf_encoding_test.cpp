// .dbf encoding detection on hand-made headers and records: UTF-8, GBK with and without a
// language driver id, and Latin-1 that must not be mistaken for GBK.
#include "ingest/readers/gdal/dbf_encoding.hpp"

#include <gtest/gtest.h>

#include "ingest/readers/gdal/safe_zip.hpp"
#include "test_support.hpp"

namespace shikong::ingest {
namespace {

// A minimal dBASE III file with one character field of `width` bytes.
std::string make_dbf(unsigned char ldid, const std::vector<std::string>& values,
                     unsigned char width = 20) {
  std::string h(32, '\0');
  h[0] = 0x03;
  auto n = static_cast<std::uint32_t>(values.size());
  for (int i = 0; i < 4; ++i) h[4 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  std::uint16_t header_len = 32 + 32 + 1;
  std::uint16_t record_len = static_cast<std::uint16_t>(1 + width);
  h[8] = static_cast<char>(header_len & 0xFF);
  h[9] = static_cast<char>(header_len >> 8);
  h[10] = static_cast<char>(record_len & 0xFF);
  h[11] = static_cast<char>(record_len >> 8);
  h[29] = static_cast<char>(ldid);
  std::string fd(32, '\0');
  fd.replace(0, 4, "NAME");
  fd[11] = 'C';
  fd[16] = static_cast<char>(width);
  std::string out = h + fd + "\x0D";
  for (const auto& v : values) {
    std::string rec = " " + v.substr(0, width);
    rec.resize(record_len, ' ');
    out += rec;
  }
  out += "\x1A";
  return out;
}

class DbfEncoding : public ::testing::Test {
 protected:
  TempDir dir = TempDir::create();
  DbfTextStats scan(unsigned char ldid, const std::vector<std::string>& values,
                    unsigned char width = 20) {
    auto p = dir.path() / "t.dbf";
    test::write_file(p, make_dbf(ldid, values, width));
    return scan_dbf_text(p);
  }
};

// "北京市" and "广州市" in GBK.
const std::string kBeijingGbk = "\xB1\xB1\xBE\xA9\xCA\xD0";
const std::string kGuangzhouGbk = "\xB9\xE3\xD6\xDD\xCA\xD0";

TEST_F(DbfEncoding, AsciiNeedsNoRecoding) {
  DbfTextStats st = scan(0, {"Beijing", "Paris"});
  EXPECT_FALSE(st.non_ascii);
  EXPECT_EQ(choose_dbf_encoding(st), "");
}

TEST_F(DbfEncoding, Utf8TextIsUtf8WhateverTheId) {
  DbfTextStats st = scan(0x57, {"北京市", "Zürich"});
  EXPECT_TRUE(st.non_ascii);
  EXPECT_TRUE(st.valid_utf8);
  EXPECT_EQ(choose_dbf_encoding(st), "UTF-8");
}

TEST_F(DbfEncoding, Utf8CutByTheFieldWidthIsStillUtf8) {
  // 7 bytes: two whole characters and the first byte of the third.
  DbfTextStats st = scan(0, {"北京市"}, 7);
  EXPECT_TRUE(st.valid_utf8);
  EXPECT_EQ(choose_dbf_encoding(st), "UTF-8");
}

TEST_F(DbfEncoding, GbkWithoutIdIsGb18030) {
  DbfTextStats st = scan(0, {kBeijingGbk, kGuangzhouGbk, "Shanghai"});
  EXPECT_FALSE(st.valid_utf8);
  EXPECT_TRUE(st.valid_gb18030);
  EXPECT_EQ(st.gb_pairs, 6u);
  EXPECT_EQ(st.gb2312_pairs, 6u);
  EXPECT_EQ(choose_dbf_encoding(st), "GB18030");
}

TEST_F(DbfEncoding, GbkIdsMeanCp936) {
  EXPECT_EQ(choose_dbf_encoding(scan(0x4D, {kBeijingGbk})), "CP936");
  EXPECT_EQ(choose_dbf_encoding(scan(0x7A, {kBeijingGbk})), "CP936");
}

TEST_F(DbfEncoding, Latin1IsLeftToGdal) {
  // "Zürich", "São Paulo", "Côte" in ISO-8859-1: byte pairs in GB range, but the second bytes
  // are ASCII letters, which GB2312 text does not have.
  DbfTextStats st = scan(0, {"Z\xFCrich", "S\xE3o Paulo", "C\xF4te"});
  EXPECT_FALSE(st.valid_utf8);
  EXPECT_TRUE(st.valid_gb18030);
  EXPECT_EQ(st.gb_pairs, 3u);
  EXPECT_EQ(st.gb2312_pairs, 0u);
  EXPECT_EQ(choose_dbf_encoding(st), "");
}

TEST_F(DbfEncoding, NotADbfGivesNothing) {
  auto p = dir.path() / "x.dbf";
  test::write_file(p, "short");
  DbfTextStats st = scan_dbf_text(p);
  EXPECT_FALSE(st.non_ascii);
  EXPECT_EQ(choose_dbf_encoding(st), "");
}

TEST_F(DbfEncoding, CompletenessOfTheRecords) {
  auto p = dir.path() / "c.dbf";
  std::string dbf = make_dbf(0, {"a", "b", "c"});
  test::write_file(p, dbf);
  EXPECT_TRUE(dbf_is_complete(p));
  test::write_file(p, dbf.substr(0, dbf.size() - 1));  // without the 0x1A end marker: fine
  EXPECT_TRUE(dbf_is_complete(p));
  test::write_file(p, dbf.substr(0, dbf.size() - 2));  // the last record cut
  EXPECT_FALSE(dbf_is_complete(p));
  test::write_file(p, dbf.substr(0, 20));
  EXPECT_FALSE(dbf_is_complete(p));
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("abc"));
  EXPECT_TRUE(is_valid_utf8("时空"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));            // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));        // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE6\x97"));            // cut
  EXPECT_TRUE(is_valid_utf8("\xE6\x97", true));       // cut allowed at the end
  EXPECT_FALSE(is_valid_utf8("\xE6\x41\x41", true));  // not a continuation
}

}  // namespace
}  // namespace shikong::ingest
