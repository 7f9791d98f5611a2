// Multipart parser on crafted bodies: fields, files, boundaries inside data, chunk edges,
// malformed endings, limits and client filenames that look like paths.
#include "protocol/multipart.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "core/error.hpp"

namespace shikong::protocol {
namespace {

namespace fs = std::filesystem;

class Multipart : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("shikong-multipart-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::size_t files_in_dir() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }
  fs::path spool(const std::string& body) const {
    const fs::path p = dir_ / "body.spool";
    std::ofstream(p, std::ios::binary) << body;
    return p;
  }

  fs::path dir_;
};

constexpr const char* kType = "multipart/form-data; boundary=XyZ123";

TEST_F(Multipart, FieldsAndFileWithBoundaryLookalikesInData) {
  // Near-misses of the delimiter "\r\n--XyZ123" and a NUL byte; the content never holds the
  // full delimiter (RFC 2046 requires the sender to pick a boundary that does not occur).
  const std::string data = std::string("x,y\r\n--XyZ12\r\n--XyZ12 3\n--XyZ123\r\x00", 34) + "end";
  const std::string body =
      "preamble to ignore\r\n"
      "--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
      "北京道路\r\n"
      "--XyZ123\r\n"
      "content-disposition: form-data; name=\"file\"; filename=\"roads.CSV\"\r\n"
      "Content-Type: text/csv\r\n\r\n" +
      data +
      "\r\n--XyZ123\r\n"
      "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
      "\r\n--XyZ123--\r\nepilogue";
  const MultipartForm form = parse_multipart_string(body, kType, dir_);
  EXPECT_EQ(form.field("title").value(), "北京道路");
  EXPECT_EQ(form.field("empty").value(), "");
  ASSERT_EQ(form.files.size(), 1u);
  const UploadedFile& f = form.files[0];
  EXPECT_EQ(f.field, "file");
  EXPECT_EQ(f.filename, "roads.CSV");
  EXPECT_EQ(f.content_type, "text/csv");
  EXPECT_EQ(f.path.parent_path(), dir_);
  EXPECT_EQ(f.path.extension(), ".csv");
  EXPECT_EQ(f.size, data.size());
  EXPECT_EQ(read(f.path), data);
  EXPECT_EQ(form.file("file"), &form.files[0]);
}

TEST_F(Multipart, DelimiterAcrossReadChunks) {
  // Move the delimiter across the 64 KiB read boundary byte by byte.
  std::mt19937 rng(7);
  for (std::size_t size = 65500; size < 65545; ++size) {
    std::string data(size, '\0');
    for (char& c : data) c = static_cast<char>(rng() & 0xFF);
    const std::string body =
        "--XyZ123\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n" + data +
        "\r\n--XyZ123--";
    const MultipartForm form = parse_multipart(spool(body), kType, dir_);
    ASSERT_EQ(form.files.size(), 1u);
    ASSERT_EQ(read(form.files[0].path), data) << size;
    fs::remove(form.files[0].path);
  }
}

TEST_F(Multipart, MissingFinalBoundaryIsAnErrorAndLeavesNoFiles) {
  const std::string body =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.csv\"\r\n\r\n"
      "1,2,3\r\n";
  try {
    parse_multipart(spool(body), kType, dir_);
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-multipart");
  }
  EXPECT_EQ(files_in_dir(), 1u);  // only the spooled body itself
  for (const char* bad : {"", "no boundary at all", "--XyZ123\r\n", "--XyZ123xx",
                          "--XyZ123\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ123--",
                          "--XyZ123\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ123--",
                          "--XyZ123\r\nBroken header\r\n\r\nx\r\n--XyZ123--"}) {
    EXPECT_THROW(parse_multipart_string(bad, kType, dir_), InvalidInput) << bad;
  }
}

TEST_F(Multipart, ClientFilenameIsOnlyALabel) {
  const std::string body =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"f\"; "
      "filename=\"../../etc/passwd\"\r\n\r\n"
      "root\r\n--XyZ123\r\nContent-Disposition: form-data; name=\"g\"; "
      "filename=\"x\"; filename*=UTF-8''%E6%95%B0%E6%8D%AE.geojson\r\n\r\n{}\r\n--XyZ123--";
  const MultipartForm form = parse_multipart_string(body, kType, dir_);
  ASSERT_EQ(form.files.size(), 2u);
  EXPECT_EQ(form.files[0].filename, "../../etc/passwd");
  EXPECT_EQ(form.files[0].path.parent_path(), dir_);
  EXPECT_EQ(form.files[0].path.extension(), "");
  EXPECT_EQ(read(form.files[0].path), "root");
  EXPECT_EQ(form.files[1].filename, "数据.geojson");
  EXPECT_EQ(form.files[1].path.extension(), ".geojson");
  EXPECT_NE(form.files[0].path, form.files[1].path);
}

TEST_F(Multipart, Limits) {
  MultipartLimits limits;
  limits.max_field_size = 4;
  const std::string big =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n--XyZ123--";
  EXPECT_THROW(parse_multipart_string(big, kType, dir_, limits), PayloadTooLarge);
  limits = {};
  limits.max_parts = 1;
  const std::string two =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--XyZ123\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--XyZ123--";
  try {
    parse_multipart_string(two, kType, dir_, limits);
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "too-many-parts");
  }
  limits = {};
  limits.max_file_size = 3;
  const std::string file =
      "--XyZ123\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a\"\r\n\r\n"
      "1234\r\n--XyZ123--";
  EXPECT_THROW(parse_multipart_string(file, kType, dir_, limits), PayloadTooLarge);
  EXPECT_EQ(files_in_dir(), 0u);
}

TEST_F(Multipart, Boundary) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_THROW(multipart_boundary("application/json"), InvalidInput);
  EXPECT_THROW(multipart_boundary("multipart/form-data"), InvalidInput);
  EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=a{b}"), InvalidInput);
  EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')),
               InvalidInput);
}

}  // namespace
}  // namespace shikong::protocol
