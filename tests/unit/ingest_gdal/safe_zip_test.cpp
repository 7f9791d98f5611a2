// Safe zip extraction: real archives unpack, hostile ones (traversal, links, bombs, damage) are
// refused before anything is written outside the private directory.
#include "ingest/readers/gdal/safe_zip.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_support.hpp"

namespace shikong::ingest {
namespace {

namespace fs = std::filesystem;
using test::error_code_of;
using test::write_zip;
using test::ZipItem;

class SafeZip : public ::testing::Test {
 protected:
  TempDir work = TempDir::create();
  fs::path zip = work.path() / "upload.zip";
  fs::path out = work.path() / "out";
  void SetUp() override { fs::create_directory(out); }
  std::size_t files_in(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) ++n;
    return n;
  }
};

TEST_F(SafeZip, ExtractsARealShapefileArchive) {
  TempDir dir = extract_zip(test::shared_data("naturalearth_lowres.shp.zip"), out);
  EXPECT_EQ(dir.path().parent_path(), out);
  EXPECT_EQ(fs::file_size(dir.path() / "naturalearth_lowres.shp"), 180744u);
  EXPECT_EQ(fs::file_size(dir.path() / "naturalearth_lowres.dbf"), 50285u);
  EXPECT_EQ(files_in(dir.path()), 5u);
  EXPECT_EQ(fs::status(dir.path()).permissions() & fs::perms::all, fs::perms::owner_all);
  ArchiveDataset ds = find_archive_dataset(dir.path());
  EXPECT_EQ(ds.format, "shapefile");
  EXPECT_EQ(ds.path.filename(), "naturalearth_lowres.shp");
}

TEST_F(SafeZip, TempDirIsRemovedWithEverythingInIt) {
  fs::path where;
  {
    TempDir dir = extract_zip(test::shared_data("polygon_holes.shp.zip"), out);
    where = dir.path();
    EXPECT_TRUE(fs::exists(where / "polygon_holes.shp"));
  }
  EXPECT_FALSE(fs::exists(where));
}

TEST_F(SafeZip, RefusesParentTraversal) {
  write_zip(zip, {{"ok.txt", "x"}, {"../evil.shp", "pwned"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
  EXPECT_FALSE(fs::exists(work.path() / "evil.shp"));
  EXPECT_EQ(files_in(out), 0u);  // refused before anything was written
}

TEST_F(SafeZip, RefusesTraversalInTheMiddleOfAPath) {
  write_zip(zip, {{"a/b/../../../evil.txt", "x"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
}

TEST_F(SafeZip, RefusesBackslashTraversal) {
  write_zip(zip, {{"data\\..\\..\\evil.txt", "x"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
}

TEST_F(SafeZip, RefusesAbsolutePathsAndDriveLetters) {
  write_zip(zip, {{"/tmp/evil.txt", "x"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
  write_zip(zip, {{"C:/evil.txt", "x"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
  write_zip(zip, {{"\\evil.txt", "x"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
}

TEST_F(SafeZip, RefusesSymbolicLinks) {
  write_zip(zip, {{"link.shp", "/etc/passwd", S_IFLNK | 0777}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
  EXPECT_EQ(files_in(out), 0u);
}

TEST_F(SafeZip, RefusesDuplicateNames) {
  write_zip(zip, {{"a.shp", "1"}, {"./a.shp", "2"}});
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "unsafe-archive-entry");
}

TEST_F(SafeZip, RefusesTooManyEntries) {
  write_zip(zip, {{"1.txt", "1"}, {"2.txt", "2"}, {"3.txt", "3"}, {"4.txt", "4"}});
  ZipLimits limits;
  limits.max_entries = 3;
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out, limits); }), "archive-too-many-entries");
  limits.max_entries = 4;
  EXPECT_EQ(files_in(extract_zip(zip, out, limits).path()), 4u);
}

TEST_F(SafeZip, RefusesMoreDataThanTheLimit) {
  write_zip(zip, {{"a.bin", std::string(3000, 'a')}, {"b.bin", std::string(3000, 'b')}});
  ZipLimits limits;
  limits.max_total_bytes = 5000;
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out, limits); }), "archive-too-large");
}

TEST_F(SafeZip, RefusesCompressionBombs) {
  // 8 MiB of zeros deflate to a few KiB: a ratio no real dataset has.
  write_zip(zip, {{"zeros.dbf", std::string(8 << 20, '\0')}});
  ZipLimits limits;
  limits.max_ratio = 200;
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out, limits); }), "archive-too-large");
  limits.max_ratio = 100000;
  EXPECT_EQ(fs::file_size(extract_zip(zip, out, limits).path() / "zeros.dbf"), 8u << 20);
}

TEST_F(SafeZip, TruncatedArchiveIsInvalid) {
  std::string bytes = test::read_file(test::shared_data("naturalearth_lowres.shp.zip"));
  test::write_file(zip, bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "invalid-archive");
}

TEST_F(SafeZip, CorruptDataIsInvalid) {
  std::string data(4000, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i * 7 % 26);
  write_zip(zip, {{"a.txt", data, 0, true}});
  std::string bytes = test::read_file(zip);
  std::size_t at = bytes.find(data.substr(0, 64));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 100] = '#';  // the stored CRC no longer matches
  test::write_file(zip, bytes);
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "invalid-archive");
}

TEST_F(SafeZip, NotAZipIsInvalid) {
  test::write_file(zip, "name,lon,lat\n");
  EXPECT_EQ(error_code_of([&] { extract_zip(zip, out); }), "invalid-archive");
  EXPECT_FALSE(looks_like_zip(zip));
  EXPECT_TRUE(looks_like_zip(test::shared_data("polygon_holes.shp.zip")));
}

TEST_F(SafeZip, SkipsMacOsMetadataAndFindsTheShapefileInAFolder) {
  write_zip(zip, {{"roads/roads.shp", "s"},
                  {"roads/roads.shx", "x"},
                  {"roads/ROADS.DBF", "d"},
                  {"__MACOSX/roads/._roads.shp", "junk"},
                  {"roads/._roads.dbf", "junk"}});
  TempDir dir = extract_zip(zip, out);
  EXPECT_EQ(files_in(dir.path()), 3u);
  ArchiveDataset ds = find_archive_dataset(dir.path());
  EXPECT_EQ(ds.format, "shapefile");
  EXPECT_EQ(ds.path, dir.path() / "roads" / "roads.shp");
}

TEST_F(SafeZip, ShapefileWithoutDbfOrShxIsIncomplete) {
  write_zip(zip, {{"a.shp", "s"}, {"a.shx", "x"}, {"a.prj", "p"}});
  TempDir dir = extract_zip(zip, out);
  try {
    find_archive_dataset(dir.path());
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "incomplete-shapefile");
    EXPECT_EQ(e.detail(), "The shapefile has no .dbf file.");
  }
  write_zip(zip, {{"a.shp", "s"}, {"a.dbf", "d"}});
  TempDir dir2 = extract_zip(zip, out);
  EXPECT_EQ(error_code_of([&] { find_archive_dataset(dir2.path()); }), "incomplete-shapefile");
}

TEST_F(SafeZip, TwoDatasetsAreAmbiguousNoneIsAnError) {
  write_zip(zip, {{"a.gpkg", "g"}, {"b.gpx", "x"}});
  TempDir dir = extract_zip(zip, out);
  EXPECT_EQ(error_code_of([&] { find_archive_dataset(dir.path()); }), "ambiguous-archive");
  write_zip(zip, {{"readme.txt", "r"}, {"logo.png", "p"}});
  TempDir dir2 = extract_zip(zip, out);
  EXPECT_EQ(error_code_of([&] { find_archive_dataset(dir2.path()); }), "no-dataset-in-archive");
}

TEST_F(SafeZip, MainFormatsWinOverSideFilesAndKmzPicksDocKml) {
  write_zip(zip, {{"data.gpkg", "g"}, {"metadata.json", "{}"}, {"codes.csv", "a,b"}});
  TempDir dir = extract_zip(zip, out);
  EXPECT_EQ(find_archive_dataset(dir.path()).format, "gpkg");
  write_zip(zip, {{"doc.kml", "<kml/>"}, {"files/overlay.kml", "<kml/>"}, {"files/a.png", "p"}});
  TempDir dir2 = extract_zip(zip, out);
  ArchiveDataset kml = find_archive_dataset(dir2.path());
  EXPECT_EQ(kml.format, "kml");
  EXPECT_EQ(kml.path.filename(), "doc.kml");
}

}  // namespace
}  // namespace shikong::ingest
