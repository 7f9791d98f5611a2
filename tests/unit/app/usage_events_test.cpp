// Which datasets a served request used, and as what: the source of the usage statistics.
#include "app/usage_events.hpp"

#include <gtest/gtest.h>

namespace shikong::app {
namespace {

protocol::Request request(std::string path, std::map<std::string, std::string, std::less<>> params,
                          std::vector<std::pair<std::string, std::string>> query = {}) {
  protocol::Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.path_params = std::move(params);
  r.query = std::move(query);
  return r;
}

using storage::UsageKind;
using Ids = std::vector<std::string>;

TEST(UsageEvents, DatasetPagesAndDownloads) {
  auto page = dataset_use(request("/api/v1/datasets/roads", {{"datasetId", "roads"}}), 200);
  EXPECT_EQ(page.kind, UsageKind::view);
  EXPECT_EQ(page.dataset_ids, Ids{"roads"});
  auto dl = dataset_use(request("/api/v1/datasets/roads/download", {{"datasetId", "roads"}}), 200);
  EXPECT_EQ(dl.kind, UsageKind::download);
  EXPECT_EQ(dl.dataset_ids, Ids{"roads"});
  // Styles and grants of a dataset are no use of its data.
  EXPECT_TRUE(dataset_use(request("/api/v1/datasets/roads/styles", {{"datasetId", "roads"}}), 200)
                  .dataset_ids.empty());
}

TEST(UsageEvents, FeaturesTilesAndMaps) {
  auto items = dataset_use(
      request("/ogc/collections/roads/items/7", {{"collectionId", "roads"}, {"featureId", "7"}}),
      200);
  EXPECT_EQ(items.kind, UsageKind::api);
  EXPECT_EQ(items.dataset_ids, Ids{"roads"});
  auto tile =
      dataset_use(request("/tiles/roads,rivers/3/6/3.pbf", {{"datasets", "roads,rivers"}}), 200);
  EXPECT_EQ(tile.kind, UsageKind::tile);
  EXPECT_EQ(tile.dataset_ids, (Ids{"roads", "rivers"}));
  EXPECT_TRUE(
      dataset_use(request("/tiles/roads.json", {{"datasets", "roads"}}), 200).dataset_ids.empty());
  auto wms = dataset_use(request("/ogc/wms", {}, {{"request", "GetMap"}, {"LAYERS", "a, b"}}), 200);
  EXPECT_EQ(wms.kind, UsageKind::tile);
  EXPECT_EQ(wms.dataset_ids, (Ids{"a", "b"}));
  EXPECT_TRUE(dataset_use(request("/ogc/wms", {}, {{"REQUEST", "GetCapabilities"}}), 200)
                  .dataset_ids.empty());
  auto wmts =
      dataset_use(request("/ogc/wmts/1.0.0/roads/default/WebMercatorQuad/2/1/1.png", {}), 200);
  EXPECT_EQ(wmts.dataset_ids, Ids{"roads"});
}

TEST(UsageEvents, OnlySuccessfulReadsOfDatasetsCount) {
  auto r = request("/ogc/collections/roads/items", {{"collectionId", "roads"}});
  EXPECT_TRUE(dataset_use(r, 404).dataset_ids.empty());
  EXPECT_EQ(dataset_use(r, 304).dataset_ids, Ids{"roads"});  // a revalidated copy is a use
  r.method = "POST";
  EXPECT_TRUE(dataset_use(r, 200).dataset_ids.empty());
  // The catalog collection holds records, not data; record pages count themselves (api/).
  EXPECT_TRUE(
      dataset_use(request("/ogc/collections/catalog/items", {{"collectionId", "catalog"}}), 200)
          .dataset_ids.empty());
  EXPECT_TRUE(dataset_use(request("/api/v1/records/roads", {{"recordId", "roads"}}), 200)
                  .dataset_ids.empty());
}

}  // namespace
}  // namespace shikong::app
