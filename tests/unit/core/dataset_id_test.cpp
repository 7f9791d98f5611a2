#include "core/dataset_id.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace shikong {

TEST(DatasetId, AcceptsSlugsOnly) {
  EXPECT_TRUE(is_valid_dataset_id("naturalearth_lowres"));
  EXPECT_TRUE(is_valid_dataset_id("a-1"));
  EXPECT_FALSE(is_valid_dataset_id(""));
  EXPECT_FALSE(is_valid_dataset_id("../etc"));
  EXPECT_FALSE(is_valid_dataset_id("-x"));
  EXPECT_FALSE(is_valid_dataset_id("Upper"));
  EXPECT_FALSE(is_valid_dataset_id(std::string(65, 'a')));
  EXPECT_THROW(require_dataset_id("a/b"), InvalidInput);
}

TEST(DatasetId, Slugify) {
  EXPECT_EQ(slugify("Ireland Wind 1961.csv"), "ireland-wind-1961-csv");
  EXPECT_EQ(slugify("北京"), "dataset");
  EXPECT_EQ(slugify("Catalog"), "catalog-data");
}

TEST(DatasetId, CatalogIsReservedForTheRecordsCollection) {
  EXPECT_FALSE(is_valid_dataset_id("catalog"));
  EXPECT_TRUE(is_valid_dataset_id("catalog-data"));
  try {
    require_dataset_id("catalog", "id");
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-dataset-id");
    EXPECT_EQ(e.parameter(), "id");
    EXPECT_NE(e.detail().find("reserved"), std::string::npos);
  }
}

}  // namespace shikong
