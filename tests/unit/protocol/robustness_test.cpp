// Client-input parsers under random mutation: each either succeeds or throws a typed Error;
// nothing crashes, hangs or leaves files behind. Deterministic seeds, so failures reproduce.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include <unistd.h>

#include "core/error.hpp"
#include "protocol/multipart.hpp"
#include "protocol/negotiate.hpp"
#include "protocol/query.hpp"
#include "protocol/router.hpp"

namespace shikong::protocol {
namespace {

namespace fs = std::filesystem;

std::string mutate(std::string s, std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const std::size_t at = rng() % s.size();
    switch (rng() % 4) {
      case 0:
        s[at] = static_cast<char>(rng() & 0xFF);
        break;
      case 1:
        s.erase(at, 1 + rng() % 16);
        break;
      case 2:
        s.insert(at, std::string(1 + rng() % 4, "\r\n-%=&{}\"\\"[rng() % 11]));
        break;
      default:
        s.insert(at, s.substr(rng() % s.size(), rng() % 32));
        break;
    }
  }
  return s;
}

TEST(Robustness, MultipartMutations) {
  const fs::path dir = fs::temp_directory_path() / ("shikong-robust-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string valid =
      "--b0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nroads\r\n"
      "--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nx,y\r\n1,2\r\n--b0--\r\n";
  std::mt19937 rng(12345);
  std::size_t parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string body = mutate(valid, rng);
    try {
      const MultipartForm form =
          parse_multipart_string(body, "multipart/form-data; boundary=b0", dir);
      ++parsed;
      for (const auto& f : form.files) {
        EXPECT_EQ(f.path.parent_path(), dir);
        fs::remove(f.path);
      }
    } catch (const Error&) {
    }
  }
  EXPECT_GT(parsed, 0u);
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(Robustness, QueryRouterAndAcceptMutations) {
  Router router;
  for (const char* p :
       {"/ogc/collections/{id}/items", "/tiles/{d}/{z}/{x}/{y}.pbf", "/a/{rest*}"}) {
    Route r;
    r.method = "GET";
    r.pattern = p;
    r.handler = [](Request&) { return Response{}; };
    router.add(std::move(r));
  }
  constexpr Offer offers[] = {{"json", "application/json"}, {"html", "text/html"}};
  std::mt19937 rng(777);
  for (int i = 0; i < 5000; ++i) {
    try {
      parse_query(mutate("bbox=1%2C2,3,4&datetime=2020-01-01T00:00:00Z%2F..&f=json", rng));
    } catch (const Error&) {
    }
    try {
      router.match("GET", mutate("/ogc/collections/%E5%8C%97/items", rng));
      router.match("GET", mutate("/tiles/roads/1/2/3.pbf", rng));
    } catch (const Error&) {
    }
    try {
      negotiate("", mutate("text/html;q=0.9, application/json;q=0.8, */*;q=0.1", rng), offers);
    } catch (const Error&) {
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace shikong::protocol
