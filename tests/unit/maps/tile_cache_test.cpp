// The tile cache: file names of keys, the byte-bounded LRU, the disk tier across instances,
// purges of other versions (single and multi-dataset keys, deletes) and unreadable files.
#include "tiles/tile_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

namespace shikong::tiles {
namespace {

namespace fs = std::filesystem;

TileKey key(std::vector<std::pair<std::string, std::int64_t>> datasets, std::int64_t col = 26,
            std::int64_t row = 12, std::string variant = {}) {
  TileKey k;
  k.datasets = std::move(datasets);
  k.tile_matrix_set = "WebMercatorQuad";
  k.tile_matrix = "5";
  k.col = col;
  k.row = row;
  k.format = "pbf";
  k.variant = std::move(variant);
  return k;
}

std::shared_ptr<const std::string> bytes(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("shikong-tile-cache-" + std::to_string(::getpid()) + "-" + std::to_string(next_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int next_ = 0;
  fs::path path_;
};

TileCacheSettings memory_only(std::size_t bytes) {
  TileCacheSettings s;
  s.memory_bytes = bytes;
  s.disk = false;
  return s;
}

TileCacheSettings on_disk(const fs::path& dir, std::size_t memory = 1 << 20) {
  TileCacheSettings s;
  s.memory_bytes = memory;
  s.disk = true;
  s.directory = dir;
  return s;
}

// What remember() charges for an entry: bytes + path + 128.
std::size_t cost(const TileKey& k, std::size_t size) {
  return size + k.relative_path().size() + 128;
}

std::set<std::string> top_level(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

TEST(Fnv1a64, KnownVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(TileKey, RelativePathOfAVectorTile) {
  EXPECT_EQ(key({{"roads", 3}}).relative_path(), "roads@3/_/WebMercatorQuad/5/26/12.pbf");
}

TEST(TileKey, RelativePathOfSeveralDatasetsAndAStyle) {
  auto k = key({{"a", 3}, {"b", 7}});
  k.style = "default,red@00ff";
  k.format = "png";
  EXPECT_EQ(k.relative_path(), "a@3+b@7/default%2Cred@00ff/WebMercatorQuad/5/26/12.png");
}

TEST(TileKey, VariantIsHashed) {
  auto k = key({{"roads", 3}}, 1, 2, "a");
  EXPECT_EQ(k.relative_path(), "roads@3/_/WebMercatorQuad/5/1/2~af63dc4c8601ec8c.pbf");
}

TEST(TileKey, UnsafeCharactersAreEscaped) {
  auto k = key({{"../x+y@z", 1}});
  k.style = "../../etc";
  k.tile_matrix_set = ".hidden";
  k.tile_matrix = "a/b";
  k.format = "p\\g";
  EXPECT_EQ(k.relative_path(), "%2E.%2Fx%2By%40z@1/%2E.%2F..%2Fetc/%2Ehidden/a%2Fb/26/12.p%5Cg");
}

TEST(TileKey, DigestCoversTheWholeVariantAndDiffersPerKey) {
  auto a = key({{"roads", 3}});
  auto b = key({{"roads", 4}});
  EXPECT_EQ(a.digest().size(), 16u);
  EXPECT_EQ(a.digest(), key({{"roads", 3}}).digest());
  EXPECT_NE(a.digest(), b.digest());
  EXPECT_NE(key({{"roads", 3}}, 26, 12, "t1").digest(), key({{"roads", 3}}, 26, 12, "t2").digest());
}

TEST(TileCache, MemoryHitReturnsTheSameBytes) {
  TileCache cache(memory_only(1 << 20));
  auto k = key({{"roads", 3}});
  EXPECT_EQ(cache.get(k), nullptr);
  EXPECT_EQ(cache.get(k, false), nullptr);  // a second look is not a second miss
  auto b = bytes("tile");
  cache.put(k, b);
  auto got = cache.get(k);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got.get(), b.get());
  auto s = cache.stats();
  EXPECT_EQ(s.memory_hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.stores, 1u);
  EXPECT_EQ(s.memory_entries, 1u);
  EXPECT_EQ(s.memory_bytes, cost(k, 4));
}

TEST(TileCache, EmptyTileIsCachedAsEmpty) {
  TileCache cache(memory_only(1 << 20));
  auto k = key({{"roads", 3}});
  cache.put(k, bytes(""));
  auto got = cache.get(k);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(*got, "");
}

TEST(TileCache, EvictsLeastRecentlyUsedWithinTheByteBound) {
  auto k1 = key({{"roads", 3}}, 1, 1), k2 = key({{"roads", 3}}, 2, 1),
       k3 = key({{"roads", 3}}, 3, 1);
  std::size_t one = cost(k1, 1000);
  TileCache cache(memory_only(2 * one + one / 2));  // room for two
  cache.put(k1, bytes(std::string(1000, 'a')));
  cache.put(k2, bytes(std::string(1000, 'b')));
  ASSERT_NE(cache.get(k1), nullptr);  // k1 is now the most recent: k2 goes first
  cache.put(k3, bytes(std::string(1000, 'c')));
  EXPECT_EQ(cache.get(k2), nullptr);
  ASSERT_NE(cache.get(k1), nullptr);
  ASSERT_NE(cache.get(k3), nullptr);
  EXPECT_EQ(*cache.get(k3), std::string(1000, 'c'));
  auto s = cache.stats();
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.memory_entries, 2u);
  EXPECT_EQ(s.memory_bytes, 2 * one);
}

TEST(TileCache, ReplacingAnEntryKeepsTheAccountRight) {
  auto k = key({{"roads", 3}});
  TileCache cache(memory_only(1 << 20));
  cache.put(k, bytes(std::string(100, 'a')));
  cache.put(k, bytes(std::string(10, 'b')));
  auto s = cache.stats();
  EXPECT_EQ(s.memory_entries, 1u);
  EXPECT_EQ(s.memory_bytes, cost(k, 10));
  EXPECT_EQ(*cache.get(k), std::string(10, 'b'));
}

TEST(TileCache, TileLargerThanTheMemoryBoundIsNotKeptInMemory) {
  auto k = key({{"roads", 3}});
  TileCache cache(memory_only(cost(k, 100) - 1));
  cache.put(k, bytes(std::string(100, 'x')));
  EXPECT_EQ(cache.get(k), nullptr);
  EXPECT_EQ(cache.stats().memory_bytes, 0u);
}

TEST(TileCache, ZeroMemoryBytesMeansDiskOnly) {
  TempDir dir;
  TileCache cache(on_disk(dir.path(), 0));
  auto k = key({{"roads", 3}});
  cache.put(k, bytes("abc"));
  EXPECT_EQ(cache.stats().memory_entries, 0u);
  ASSERT_NE(cache.get(k), nullptr);
  EXPECT_EQ(*cache.get(k), "abc");
  EXPECT_EQ(cache.stats().disk_hits, 2u);
  EXPECT_EQ(cache.stats().memory_hits, 0u);
}

TEST(TileCache, DiskSurvivesANewInstanceAndLeavesNoTemporaryFiles) {
  TempDir dir;
  auto k = key({{"roads", 3}}, 26, 12, "datetime=2020");
  {
    TileCache cache(on_disk(dir.path()));
    cache.put(k, bytes("tile bytes"));
  }
  fs::path file = dir.path() / k.relative_path();
  ASSERT_TRUE(fs::is_regular_file(file));
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path()))
    if (e.is_regular_file()) ++files;
  EXPECT_EQ(files, 1);

  TileCache again(on_disk(dir.path()));
  auto got = again.get(k);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(*got, "tile bytes");
  EXPECT_EQ(again.stats().disk_hits, 1u);
  // Promoted to memory.
  ASSERT_NE(again.get(k), nullptr);
  EXPECT_EQ(again.stats().memory_hits, 1u);
  // Another variant is another tile.
  EXPECT_EQ(again.get(key({{"roads", 3}}, 26, 12, "datetime=2021")), nullptr);
}

TEST(TileCache, PurgeRemovesOtherVersionsInMemoryAndOnDisk) {
  TempDir dir;
  TileCache cache(on_disk(dir.path()));
  auto old_roads = key({{"roads", 3}}), new_roads = key({{"roads", 4}});
  auto rivers = key({{"rivers", 3}}), both = key({{"rivers", 3}, {"roads", 3}});
  auto prefix = key({{"road", 3}}), both_new = key({{"rivers", 3}, {"roads", 4}});
  for (const auto* k : {&old_roads, &new_roads, &rivers, &both, &prefix, &both_new})
    cache.put(*k, bytes("x"));
  EXPECT_EQ(top_level(dir.path()),
            (std::set<std::string>{"roads@3", "roads@4", "rivers@3", "rivers@3+roads@3", "road@3",
                                   "rivers@3+roads@4"}));

  cache.purge_dataset("roads", 4);
  EXPECT_EQ(top_level(dir.path()),
            (std::set<std::string>{"roads@4", "rivers@3", "road@3", "rivers@3+roads@4"}));
  EXPECT_EQ(cache.get(old_roads), nullptr);
  EXPECT_EQ(cache.get(both), nullptr);
  EXPECT_NE(cache.get(new_roads), nullptr);
  EXPECT_NE(cache.get(rivers), nullptr);
  EXPECT_NE(cache.get(prefix), nullptr);
  EXPECT_NE(cache.get(both_new), nullptr);
  EXPECT_EQ(cache.stats().memory_entries, 4u);
}

TEST(TileCache, PurgeOfADeletedDatasetRemovesEveryVersion) {
  TempDir dir;
  TileCache cache(on_disk(dir.path()));
  cache.put(key({{"roads", 3}}), bytes("x"));
  cache.put(key({{"roads", 4}}), bytes("x"));
  cache.put(key({{"rivers", 1}}), bytes("x"));
  cache.purge_dataset("roads", -1);
  EXPECT_EQ(top_level(dir.path()), (std::set<std::string>{"rivers@1"}));
  EXPECT_EQ(cache.get(key({{"roads", 4}})), nullptr);
  // A later put of a version read before the delete is refused; a new dataset of that id
  // (a higher version) is cached again.
  cache.put(key({{"roads", 4}}), bytes("late"));
  EXPECT_EQ(cache.get(key({{"roads", 4}})), nullptr);
  EXPECT_FALSE(fs::exists(dir.path() / "roads@4"));
  cache.put(key({{"roads", 5}}), bytes("new"));
  ASSERT_NE(cache.get(key({{"roads", 5}})), nullptr);
}

TEST(TileCache, LateTileOfAPurgedVersionIsNotStored) {
  TempDir dir;
  TileCache cache(on_disk(dir.path()));
  cache.purge_dataset("roads", 4);
  cache.put(key({{"roads", 3}}), bytes("stale"));
  EXPECT_EQ(cache.get(key({{"roads", 3}})), nullptr);
  EXPECT_FALSE(fs::exists(dir.path() / "roads@3"));
  EXPECT_EQ(cache.stats().stores, 0u);
}

TEST(TileCache, PurgeFindsLongMultiDatasetDirectories) {
  TempDir dir;
  TileCache cache(on_disk(dir.path()));
  std::vector<std::pair<std::string, std::int64_t>> many, many_new;
  for (int i = 0; i < 16; ++i) {
    std::string id = "dataset-with-a-rather-long-name-number-" + std::to_string(i);
    many.emplace_back(id, 100 + i);
    many_new.emplace_back(id, i == 7 ? 200 : 100 + i);
  }
  auto k = key(many), k_new = key(many_new);
  cache.put(k, bytes("a"));
  cache.put(k_new, bytes("b"));
  auto names = top_level(dir.path());
  ASSERT_EQ(names.size(), 2u);
  for (const auto& n : names) {
    EXPECT_EQ(n.rfind("multi-", 0), 0u) << n;
    EXPECT_LE(n.size(), 255u);
  }
  TileCache reopened(on_disk(dir.path()));
  reopened.purge_dataset("dataset-with-a-rather-long-name-number-7", 200);
  EXPECT_EQ(top_level(dir.path()).size(), 1u);
  EXPECT_EQ(reopened.get(k), nullptr);
  ASSERT_NE(reopened.get(k_new), nullptr);
  EXPECT_EQ(*reopened.get(k_new), "b");
}

TEST(TileCache, RetainKeepsOnlyTheLiveVersions) {
  TempDir dir;
  {
    TileCache cache(on_disk(dir.path()));
    for (auto k : {key({{"roads", 3}}), key({{"roads", 4}}), key({{"gone", 1}}),
                   key({{"rivers", 2}, {"roads", 4}}), key({{"rivers", 2}, {"roads", 3}})})
      cache.put(k, bytes("x"));
    std::ofstream(dir.path() / "README") << "not a tile directory";
  }
  TileCache cache(on_disk(dir.path()));
  ASSERT_NE(cache.get(key({{"roads", 3}})), nullptr);  // now in memory too
  cache.retain({{"roads", 4}, {"rivers", 2}});
  EXPECT_EQ(top_level(dir.path()),
            (std::set<std::string>{"roads@4", "rivers@2+roads@4", "README"}));
  EXPECT_EQ(cache.get(key({{"roads", 3}})), nullptr);
  EXPECT_NE(cache.get(key({{"rivers", 2}, {"roads", 4}})), nullptr);
}

TEST(TileCache, UnfinishedRemovalsAreFinishedAtStart) {
  TempDir dir;
  fs::create_directories(dir.path() / ".trash-1-7" / "_" / "WebMercatorQuad" / "0" / "0");
  std::ofstream(dir.path() / ".trash-1-7" / "_" / "WebMercatorQuad" / "0" / "0" / "0.pbf") << "x";
  fs::create_directories(dir.path() / "roads@3");
  TileCache cache(on_disk(dir.path()));
  EXPECT_EQ(top_level(dir.path()), (std::set<std::string>{"roads@3"}));
}

TEST(TileCache, UnreadableDiskEntryIsAMiss) {
  TempDir dir;
  auto k = key({{"roads", 3}});
  // A directory where the tile file should be.
  fs::create_directories(dir.path() / k.relative_path());
  TileCache cache(on_disk(dir.path()));
  EXPECT_EQ(cache.get(k), nullptr);
  EXPECT_EQ(cache.stats().misses, 1u);
  // Storing over it fails quietly and the tile stays in memory.
  cache.put(k, bytes("x"));
  ASSERT_NE(cache.get(k), nullptr);
}

TEST(TileCache, UnwritableDirectoryKeepsTilesInMemory) {
  TempDir dir;
  fs::path file = dir.path() / "not-a-directory";
  std::ofstream(file) << "x";
  TileCache cache(on_disk(file));
  auto k = key({{"roads", 3}});
  cache.put(k, bytes("x"));
  ASSERT_NE(cache.get(k), nullptr);
  cache.purge_dataset("roads", 4);
  EXPECT_EQ(cache.get(k), nullptr);
}

TEST(TileCache, ConcurrentUseKeepsTheBoundAndTheBytes) {
  TempDir dir;
  auto probe = key({{"roads", 3}}, 0, 0);
  const std::size_t budget = 20 * cost(probe, 64);
  TileCache cache(on_disk(dir.path(), budget));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        int col = (i * 7 + t) % 50;
        auto k = key({{"roads", 3 + (i % 2)}}, col, 0);
        std::string expected(64, static_cast<char>('a' + col % 26));
        if (auto got = cache.get(k)) {
          if (*got != expected) ++wrong;
        } else {
          cache.put(k, bytes(expected));
        }
        if (i % 97 == 0) cache.purge_dataset("roads", 4);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  auto s = cache.stats();
  EXPECT_LE(s.memory_bytes, budget);
  EXPECT_EQ(s.memory_hits + s.disk_hits + s.misses, 1200u);
}

}  // namespace
}  // namespace shikong::tiles
