// The search engine's benchmark (issue 5): N synthetic metadata records drawn from real
// vocabularies (the gazetteer's Chinese and English place names, ISO topic categories, theme
// keywords), the index's build time and size, then Q mixed queries (text, filters, facets, sorts,
// paging) against shikong's index and against SQLite FTS5 over the same records and terms.
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog_service.hpp"
#include "search/gazetteer.hpp"
#include "search/search_service.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "text/analyzer.hpp"

namespace fs = std::filesystem;
using namespace shikong;
using Clock = std::chrono::steady_clock;

namespace {

struct Theme {
  const char* zh;
  const char* en;
  const char* topic;
};
// Themes of a spatial data portal, with the ISO topic category they usually fall under.
const std::vector<Theme> kThemes = {
    {"主要道路", "Main roads", "transportation"},
    {"道路网", "Road network", "transportation"},
    {"铁路线", "Railway lines", "transportation"},
    {"地铁站点", "Metro stations", "transportation"},
    {"公交线路", "Bus routes", "transportation"},
    {"机场", "Airports", "transportation"},
    {"港口码头", "Ports and harbours", "transportation"},
    {"交通流量", "Traffic volume", "transportation"},
    {"河流水系", "River network", "inlandWaters"},
    {"湖泊水库", "Lakes and reservoirs", "inlandWaters"},
    {"水质监测", "Water quality monitoring", "inlandWaters"},
    {"湿地分布", "Wetlands", "inlandWaters"},
    {"土地利用", "Land use", "planningCadastre"},
    {"地籍宗地", "Cadastral parcels", "planningCadastre"},
    {"城市规划", "Urban planning zones", "planningCadastre"},
    {"人口普查", "Population census", "society"},
    {"学校分布", "Schools", "society"},
    {"医院分布", "Hospitals", "health"},
    {"疾病监测", "Disease surveillance", "health"},
    {"气象站点", "Weather stations", "climatologyMeteorologyAtmosphere"},
    {"降水量", "Precipitation", "climatologyMeteorologyAtmosphere"},
    {"气温观测", "Air temperature observations", "climatologyMeteorologyAtmosphere"},
    {"空气质量", "Air quality", "environment"},
    {"噪声监测", "Noise monitoring", "environment"},
    {"植被覆盖", "Vegetation cover", "biota"},
    {"森林资源", "Forest resources", "biota"},
    {"野生动物", "Wildlife habitats", "biota"},
    {"数字高程模型", "Digital elevation model", "elevation"},
    {"地形等高线", "Contour lines", "elevation"},
    {"遥感影像", "Satellite imagery", "imageryBaseMapsEarthCover"},
    {"航空摄影", "Aerial photography", "imageryBaseMapsEarthCover"},
    {"行政区划", "Administrative boundaries", "boundaries"},
    {"建筑物轮廓", "Building footprints", "structure"},
    {"兴趣点", "Points of interest", "location"},
    {"门牌地址", "Street addresses", "location"},
    {"地质构造", "Geological structures", "geoscientificInformation"},
    {"地震台站", "Seismic stations", "geoscientificInformation"},
    {"土壤类型", "Soil types", "geoscientificInformation"},
    {"电力设施", "Power facilities", "utilitiesCommunication"},
    {"通信基站", "Cell towers", "utilitiesCommunication"},
    {"农作物产量", "Crop yields", "farming"},
    {"海岸线", "Coastline", "oceans"},
    {"企业分布", "Business locations", "economy"},
};
const std::vector<std::string> kKeywordsZh = {
    "道路", "交通", "铁路", "地铁", "公交", "河流", "湖泊", "水质", "土地", "规划",
    "人口", "教育", "医疗", "气象", "降水", "环境", "植被", "森林", "高程", "影像",
    "边界", "建筑", "地址", "地质", "土壤", "电力", "通信", "农业", "海洋", "经济"};
const std::vector<std::string> kKeywordsEn = {
    "roads",     "transport",     "railways",   "metro",       "bus",        "rivers",
    "lakes",     "water quality", "land use",   "planning",    "population", "education",
    "health",    "weather",       "rainfall",   "environment", "vegetation", "forest",
    "elevation", "imagery",       "boundaries", "buildings",   "addresses",  "geology",
    "soil",      "energy",        "telecom",    "agriculture", "ocean",      "economy"};
const std::vector<std::string> kPublishers = {"国家基础地理信息中心",
                                              "自然资源部",
                                              "生态环境部",
                                              "交通运输部",
                                              "中国气象局",
                                              "水利部",
                                              "国家统计局",
                                              "北京市测绘院",
                                              "上海市规划和自然资源局",
                                              "广东省国土资源厅",
                                              "National Geomatics Center",
                                              "Ministry of Natural Resources",
                                              "City Survey Office",
                                              "OpenStreetMap contributors",
                                              "Earth Observation Lab",
                                              "Regional Water Authority",
                                              "Census Bureau",
                                              "Meteorological Service",
                                              "Transport Research Institute",
                                              "University GIS Lab"};
const std::vector<std::string> kLicences = {"CC-BY-4.0",    "CC0-1.0",          "ODbL-1.0",
                                            "CC-BY-SA-4.0", "政府数据开放协议", "proprietary"};
const std::vector<std::string> kFormats = {"GeoJSON", "GeoPackage", "CSV", "MVT",    "WMS",
                                           "WMTS",    "Shapefile",  "KML", "GeoTIFF"};
const std::vector<std::string> kKinds = {"vector", "vector", "vector", "raster",
                                         "stream", "wms",    "wfs",    "records"};
const std::vector<std::string> kFieldNames = {"name",       "code",       "type",   "length",
                                              "area",       "population", "date",   "value",
                                              "station_id", "category",   "height", "address"};
const std::vector<std::string> kAccess = {"public",     "public", "public", "public",
                                          "public",     "public", "public", "registered",
                                          "restricted", "private"};
const std::vector<std::string> kTypos = {"statoins",  "popluation", "vegetaiton", "precipitaion",
                                         "hosptials", "railwyas",   "boundareis", "elevaton"};

Instant year_start(int y) {
  return Instant{static_cast<std::int64_t>(date_from_civil(y, 1, 1).days) * 86'400'000'000LL};
}

// A sub-box of a place: a city dataset covers part of its city, a province dataset most of it.
Envelope sub_box(const Envelope& e, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double w = e.max_x - e.min_x, h = e.max_y - e.min_y;
  const double fw = 0.3 + 0.7 * u(rng), fh = 0.3 + 0.7 * u(rng);
  const double x0 = e.min_x + (1 - fw) * w * u(rng), y0 = e.min_y + (1 - fh) * h * u(rng);
  return Envelope{x0, y0, x0 + fw * w, y0 + fh * h};
}

template <typename T>
const T& pick(const std::vector<T>& v, std::mt19937& rng) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

catalog::Record make_record(std::size_t i, std::mt19937& rng) {
  const auto& places = search::gazetteer();
  const search::Place& place =
      places[std::uniform_int_distribution<std::size_t>(0, places.size() - 1)(rng)];
  const Theme& theme = pick(kThemes, rng);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  catalog::Record r;
  r.id = "r" + std::to_string(i);
  r.source_id = "src-" + std::to_string(i % 10);
  r.external_id = "ext-" + std::to_string(i);
  const int year = 1995 + static_cast<int>(u(rng) * 31);
  const bool zh = u(rng) < 0.5;
  if (zh) {
    r.title =
        std::string(place.name_zh) + theme.zh + (u(rng) < 0.3 ? std::to_string(year) + "年" : "");
    r.abstract = std::string(place.name_zh) + "范围内的" + theme.zh + "数据，" +
                 std::to_string(year) + "年采集，由" + pick(kPublishers, rng) + "整理发布。包括" +
                 pick(kKeywordsZh, rng) + "和" + pick(kKeywordsZh, rng) + "等要素。";
    r.language = "zh";
  } else {
    r.title = std::string(theme.en) + " of " + std::string(place.name_en) +
              (u(rng) < 0.3 ? " " + std::to_string(year) : "");
    r.abstract = std::string(theme.en) + " covering " + std::string(place.name_en) +
                 ", collected in " + std::to_string(year) + " and maintained by " +
                 pick(kPublishers, rng) + ". Includes " + pick(kKeywordsEn, rng) + " and " +
                 pick(kKeywordsEn, rng) + " features.";
    r.language = "en";
  }
  std::set<std::string> kw;
  const int nk = 2 + static_cast<int>(u(rng) * 4);
  for (int k = 0; k < nk; ++k)
    kw.insert(u(rng) < 0.5 ? pick(kKeywordsZh, rng) : pick(kKeywordsEn, rng));
  r.keywords.assign(kw.begin(), kw.end());
  r.topic = u(rng) < 0.9 ? theme.topic : std::string(pick(catalog::topic_categories(), rng));
  r.publisher = pick(kPublishers, rng);
  r.licence = pick(kLicences, rng);
  r.access = pick(kAccess, rng);
  const double t = u(rng);
  r.type = t < 0.85 ? "dataset" : t < 0.95 ? "service" : "series";
  r.kind = pick(kKinds, rng);
  std::set<std::string> fm;
  const int nf = 1 + static_cast<int>(u(rng) * 3);
  for (int k = 0; k < nf; ++k) fm.insert(pick(kFormats, rng));
  r.formats.assign(fm.begin(), fm.end());
  const int nfield = 2 + static_cast<int>(u(rng) * 5);
  for (int k = 0; k < nfield; ++k) r.fields.push_back(pick(kFieldNames, rng) + ":text");
  if (u(rng) < 0.95) r.extent = sub_box(place.extent, rng);
  if (u(rng) < 0.8) {
    const int span = static_cast<int>(u(rng) * 4);
    r.time_extent = Interval{year_start(year), year_start(std::min(year + span, 2025) + 1)};
  }
  r.crs = "EPSG:4490";
  return r;
}

struct Query {
  search::SearchQuery q;
  std::string label;
};

std::vector<Query> make_queries(std::size_t n, std::mt19937& rng) {
  const auto& places = search::gazetteer();
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Query> out;
  const std::vector<std::string> all_facets = {"topic",   "keyword", "format", "publisher",
                                               "licence", "kind",    "access", "year"};
  for (std::size_t i = 0; i < n; ++i) {
    Query qu;
    auto& q = qu.q;
    const search::Place& place =
        places[std::uniform_int_distribution<std::size_t>(0, places.size() - 1)(rng)];
    const Theme& theme = pick(kThemes, rng);
    const double k = u(rng);
    std::string zh_theme = theme.zh;
    zh_theme = zh_theme.substr(0, std::min<std::size_t>(zh_theme.size(), 6));  // two characters
    std::string en_word = theme.en;
    en_word = en_word.substr(0, en_word.find(' '));
    for (auto& ch : en_word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (k < 0.15) {
      q.text = zh_theme;
      qu.label = "zh word";
    } else if (k < 0.30) {
      q.text = en_word;
      qu.label = "en word";
    } else if (k < 0.45) {
      q.text = std::string(place.name_zh) + (u(rng) < 0.5 ? " " : "") + zh_theme;
      qu.label = "zh place+theme";
    } else if (k < 0.55) {
      q.text = std::string(place.name_en) + " " + en_word;
      qu.label = "en place+theme";
    } else if (k < 0.62) {
      q.text = pick(kTypos, rng);
      qu.label = "typo";
    } else if (k < 0.70) {
      q.text = en_word.substr(0, 3 + static_cast<std::size_t>(u(rng) * 2));
      qu.label = "prefix";
    } else if (k < 0.80) {
      q.text = std::string(place.name_zh);
      qu.label = "place";
    } else {
      qu.label = "filters only";
    }
    if (u(rng) < 0.3) q.topics = {theme.topic};
    if (u(rng) < 0.15)
      q.keywords = {u(rng) < 0.5 ? pick(kKeywordsZh, rng) : pick(kKeywordsEn, rng)};
    if (u(rng) < 0.1) q.publishers = {pick(kPublishers, rng)};
    if (u(rng) < 0.1) q.formats = {pick(kFormats, rng), pick(kFormats, rng)};
    if (u(rng) < 0.05) q.licences = {pick(kLicences, rng)};
    if (u(rng) < 0.2) {
      q.bbox = sub_box(place.extent, rng);
      if (u(rng) < 0.5) q.bbox_relation = search::BboxRelation::within;
    }
    if (u(rng) < 0.2) {
      const int y = 1995 + static_cast<int>(u(rng) * 31);
      q.time = Interval{year_start(y), year_start(y + 1 + static_cast<int>(u(rng) * 3))};
    }
    if (qu.label == "filters only" && !q.bbox && q.topics.empty()) q.topics = {theme.topic};
    if (u(rng) < 0.7) q.facets = all_facets;
    const double s = u(rng);
    q.sort = s < 0.7   ? search::SortOrder::relevance
             : s < 0.8 ? search::SortOrder::newest
             : s < 0.9 ? search::SortOrder::most_used
                       : search::SortOrder::title;
    q.limit = 10;
    q.offset = u(rng) < 0.8 ? 0 : 10 * static_cast<std::size_t>(1 + u(rng) * 4);
    out.push_back(std::move(qu));
  }
  return out;
}

bool visible(const catalog::Record& r) {
  return r.state == catalog::RecordState::published && r.access != "private";
}

struct Percentiles {
  double p50, p95, p99, max, mean;
};
Percentiles percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    const std::size_t i =
        std::min(ms.size() - 1, static_cast<std::size_t>(std::ceil(p * ms.size())) - 1);
    return ms[i];
  };
  double sum = 0;
  for (double v : ms) sum += v;
  return {at(0.50), at(0.95), at(0.99), ms.back(), sum / ms.size()};
}

// CPU time of this thread: what a query costs without the waits of a loaded machine.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// ---------------------------------------------------------------------------------------------
// The peer: SQLite FTS5 (unicode61 over the same analysed terms, so Chinese bigrams and English
// stems match as in shikong; bm25 with the same field weights), filters as WHERE clauses,
// facets by GROUP BY over the matches.

struct Sqlite {
  sqlite3* db = nullptr;
  ~Sqlite() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n%s\n", err ? err : "?", sql.c_str());
      std::exit(1);
    }
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n%s\n", sqlite3_errmsg(db), sql.c_str());
      std::exit(1);
    }
    return st;
  }
};

std::string analysed(const std::string& s) {
  std::string out;
  for (const auto& t : text::tokenize(s)) {
    out += t.term;
    out += ' ';
  }
  return out;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

void build_sqlite(Sqlite& s, const std::vector<catalog::Record>& records,
                  const std::map<std::string, storage::UsageTotals, std::less<>>& usage) {
  s.exec(
      "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"
      "PRAGMA cache_size=-262144; PRAGMA mmap_size=1073741824;");
  s.exec(
      "CREATE TABLE rec(id INTEGER PRIMARY KEY, rid TEXT, title TEXT, topic TEXT, publisher TEXT,"
      " licence TEXT, kind TEXT, type TEXT, access TEXT, state TEXT, minx REAL, miny REAL,"
      " maxx REAL, maxy REAL, tstart INTEGER, tend INTEGER, year TEXT, updated INTEGER,"
      " usage INTEGER, pop REAL);"
      "CREATE TABLE kw(id INTEGER, value TEXT); CREATE TABLE fmt(id INTEGER, value TEXT);"
      "CREATE VIRTUAL TABLE fts USING fts5(title, keywords, places, publisher, fields, abstract,"
      " tokenize='unicode61 remove_diacritics 0');");
  s.exec("BEGIN");
  sqlite3_stmt* ins = s.prepare(
      "INSERT INTO rec "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
  sqlite3_stmt* ins_kw = s.prepare("INSERT INTO kw VALUES(?1,?2)");
  sqlite3_stmt* ins_fmt = s.prepare("INSERT INTO fmt VALUES(?1,?2)");
  sqlite3_stmt* ins_fts = s.prepare(
      "INSERT INTO fts(rowid,title,keywords,places,publisher,fields,abstract) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7)");
  std::int64_t row = 0;
  for (const auto& r : records) {
    ++row;
    auto bind_text = [](sqlite3_stmt* st, int i, const std::string& v) {
      sqlite3_bind_text(st, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    };
    sqlite3_bind_int64(ins, 1, row);
    bind_text(ins, 2, r.id);
    bind_text(ins, 3, r.title);
    bind_text(ins, 4, r.topic);
    bind_text(ins, 5, r.publisher);
    bind_text(ins, 6, r.licence);
    bind_text(ins, 7, r.kind);
    bind_text(ins, 8, r.type);
    bind_text(ins, 9, r.access);
    bind_text(ins, 10, std::string(catalog::to_string(r.state)));
    if (r.extent) {
      sqlite3_bind_double(ins, 11, r.extent->min_x);
      sqlite3_bind_double(ins, 12, r.extent->min_y);
      sqlite3_bind_double(ins, 13, r.extent->max_x);
      sqlite3_bind_double(ins, 14, r.extent->max_y);
    } else {
      for (int i = 11; i <= 14; ++i) sqlite3_bind_null(ins, i);
    }
    if (r.time_extent && r.time_extent->start && r.time_extent->end) {
      sqlite3_bind_int64(ins, 15, r.time_extent->start->micros);
      sqlite3_bind_int64(ins, 16, r.time_extent->end->micros);
      int y = 0;
      unsigned m = 0, d = 0;
      civil_from_date(Date{static_cast<std::int32_t>(
                          (r.time_extent->start->micros + 8 * 3'600'000'000LL) / 86'400'000'000LL)},
                      y, m, d);
      bind_text(ins, 17, std::to_string(y));
    } else {
      for (int i = 15; i <= 17; ++i) sqlite3_bind_null(ins, i);
    }
    sqlite3_bind_int64(ins, 18, r.updated.micros);
    auto it = usage.find(r.id);
    const std::int64_t n = it == usage.end() ? 0 : it->second.total();
    sqlite3_bind_int64(ins, 19, n);
    sqlite3_bind_double(ins, 20, 1.0 + std::log10(1.0 + static_cast<double>(n)) * 0.2);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    for (const auto& k : r.keywords) {
      sqlite3_bind_int64(ins_kw, 1, row);
      bind_text(ins_kw, 2, k);
      sqlite3_step(ins_kw);
      sqlite3_reset(ins_kw);
    }
    for (const auto& f : r.formats) {
      sqlite3_bind_int64(ins_fmt, 1, row);
      bind_text(ins_fmt, 2, f);
      sqlite3_step(ins_fmt);
      sqlite3_reset(ins_fmt);
    }
    std::string kws = r.topic, places, fields;
    for (const auto& k : r.keywords) kws += " " + k;
    if (r.extent)
      for (const auto* p : search::places_for(*r.extent))
        places += std::string(p->name_zh) + " " + std::string(p->name_en) + " ";
    for (const auto& f : r.fields) fields += f.substr(0, f.find(':')) + " ";
    sqlite3_bind_int64(ins_fts, 1, row);
    bind_text(ins_fts, 2, analysed(r.title));
    bind_text(ins_fts, 3, analysed(kws));
    bind_text(ins_fts, 4, analysed(places));
    bind_text(ins_fts, 5, analysed(r.publisher));
    bind_text(ins_fts, 6, analysed(fields));
    bind_text(ins_fts, 7, analysed(r.abstract));
    sqlite3_step(ins_fts);
    sqlite3_reset(ins_fts);
  }
  sqlite3_finalize(ins);
  sqlite3_finalize(ins_kw);
  sqlite3_finalize(ins_fmt);
  sqlite3_finalize(ins_fts);
  s.exec("COMMIT");
  s.exec(
      "CREATE INDEX kw_id ON kw(id); CREATE INDEX kw_value ON kw(value, id);"
      "CREATE INDEX fmt_id ON fmt(id); CREATE INDEX fmt_value ON fmt(value, id);"
      "CREATE INDEX rec_topic ON rec(topic); CREATE INDEX rec_updated ON rec(updated);"
      "CREATE TEMP TABLE m(id INTEGER PRIMARY KEY, score REAL);");
  s.exec("INSERT INTO fts(fts) VALUES('optimize')");
}

// The FTS5 expression of a query: the same words as shikong's (generic words dropped), CJK words
// as AND of their bigrams, Latin words by stem, the last one also as a prefix. (FTS5 has no typo
// tolerance: a misspelt word finds nothing there.)
std::string fts_expression(const std::string& q) {
  static const std::set<std::string> generic = {"数据", "数据集", "信息",    "的",  "和", "与",
                                                "及",   "data",   "dataset", "the", "of", "and",
                                                "a",    "an",     "in",      "for"};
  std::vector<std::string> words;
  for (auto& w : text::query_words(q))
    if (!generic.count(w)) words.push_back(w);
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string part;
    const auto toks = text::tokenize(words[i]);
    for (const auto& t : toks) {
      if (!part.empty()) part += " AND ";
      part += "\"" + t.term + "\"";
    }
    if (!toks.empty() && !toks[0].cjk && i + 1 == words.size() && words[i].size() >= 3)
      part = "(" + part + " OR \"" + words[i] + "\"*)";
    if (part.empty()) continue;
    if (!out.empty()) out += " AND ";
    out += "(" + part + ")";
  }
  return out;
}

struct SqliteAnswer {
  std::int64_t total = 0;
  std::vector<std::string> ids;
};

SqliteAnswer sqlite_search(Sqlite& s, const search::SearchQuery& q) {
  std::string where = "r.state='published' AND r.access<>'private'";
  auto in_list = [](const std::vector<std::string>& v) {
    std::string o = "(";
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? "," : "") + quote(v[i]);
    return o + ")";
  };
  if (!q.topics.empty()) where += " AND r.topic IN " + in_list(q.topics);
  if (!q.publishers.empty()) where += " AND r.publisher IN " + in_list(q.publishers);
  if (!q.licences.empty()) where += " AND r.licence IN " + in_list(q.licences);
  if (!q.keywords.empty())
    where += " AND r.id IN (SELECT id FROM kw WHERE value IN " + in_list(q.keywords) + ")";
  if (!q.formats.empty())
    where += " AND r.id IN (SELECT id FROM fmt WHERE value IN " + in_list(q.formats) + ")";
  if (q.bbox) {
    const auto& b = *q.bbox;
    char buf[256];
    if (q.bbox_relation == search::BboxRelation::within)
      std::snprintf(buf, sizeof buf,
                    " AND r.minx>=%.17g AND r.miny>=%.17g AND r.maxx<=%.17g AND r.maxy<=%.17g",
                    b.min_x, b.min_y, b.max_x, b.max_y);
    else
      std::snprintf(buf, sizeof buf,
                    " AND r.minx<=%.17g AND r.miny<=%.17g AND r.maxx>=%.17g AND r.maxy>=%.17g",
                    b.max_x, b.max_y, b.min_x, b.min_y);
    where += buf;
  }
  if (q.time)
    where += " AND r.tstart<=" + std::to_string(q.time->end->micros) +
             " AND r.tend>=" + std::to_string(q.time->start->micros);
  const std::string expr = fts_expression(q.text);
  std::string fill = "DELETE FROM m; INSERT INTO m ";
  if (!expr.empty())
    // The full-text matches first (materialised), then the filters: left to itself the planner
    // probes the FTS index once per row of a filter's index.
    fill +=
        "WITH f AS MATERIALIZED (SELECT rowid AS id, bm25(fts, 4.0, 2.5, 1.5, 1.2, 1.0, 1.0) AS s"
        " FROM fts WHERE fts MATCH " +
        quote(expr) + ") SELECT r.id, f.s * r.pop FROM f JOIN rec r ON r.id = f.id WHERE " + where;
  else
    fill += "SELECT r.id, 0 FROM rec r WHERE " + where;
  s.exec(fill);
  SqliteAnswer a;
  {
    sqlite3_stmt* st = s.prepare("SELECT count(*) FROM m");
    if (sqlite3_step(st) == SQLITE_ROW) a.total = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  search::SortOrder sort = q.sort;
  if (sort == search::SortOrder::relevance && expr.empty()) sort = search::SortOrder::newest;
  const char* order = sort == search::SortOrder::relevance ? "m.score, r.usage DESC, r.updated DESC"
                      : sort == search::SortOrder::newest  ? "r.updated DESC"
                      : sort == search::SortOrder::most_used ? "r.usage DESC, r.updated DESC"
                                                             : "r.title";
  {
    sqlite3_stmt* st = s.prepare("SELECT r.rid FROM m JOIN rec r ON r.id = m.id ORDER BY " +
                                 std::string(order) + ", r.rid LIMIT " + std::to_string(q.limit) +
                                 " OFFSET " + std::to_string(q.offset));
    while (sqlite3_step(st) == SQLITE_ROW)
      a.ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
  }
  for (const auto& f : q.facets) {
    std::string sql;
    if (f == "keyword")
      sql = "SELECT k.value, count(*) c FROM m JOIN kw k ON k.id = m.id GROUP BY k.value";
    else if (f == "format")
      sql = "SELECT k.value, count(*) c FROM m JOIN fmt k ON k.id = m.id GROUP BY k.value";
    else
      sql = "SELECT r." + f + ", count(*) c FROM m JOIN rec r ON r.id = m.id WHERE r." + f +
            " IS NOT NULL AND r." + f + "<>'' GROUP BY 1";
    sql += " ORDER BY c DESC, 1 LIMIT " + std::to_string(q.facet_limit);
    sqlite3_stmt* st = s.prepare(sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
    }
    sqlite3_finalize(st);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines show as they come through a pipe
  std::size_t n_records = 100'000, n_queries = 1'000;
  fs::path data_dir = fs::temp_directory_path() / "shikong-search-bench";
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--records" && i + 1 < argc)
      n_records = std::stoul(argv[++i]);
    else if (a == "--queries" && i + 1 < argc)
      n_queries = std::stoul(argv[++i]);
    else if (a == "--data" && i + 1 < argc)
      data_dir = argv[++i];
    else if (a == "--no-peer")
      peer = false;
    else {
      std::fprintf(stderr,
                   "usage: search_bench [--records N] [--queries Q] [--data DIR] [--no-peer]\n");
      return 2;
    }
  }
  const std::string marker = "records-" + std::to_string(n_records);
  const bool cached = fs::exists(data_dir / marker);
  if (!cached) fs::remove_all(data_dir);
  fs::create_directories(data_dir);

  storage::SqliteOptions options;
  options.data_dir = data_dir / "data";
  auto store = storage::open_sqlite_store(options);
  auto recstore = storage::open_sqlite_record_store(options.data_dir);
  Instant now = Instant::from_seconds(1'700'000'000);
  catalog::CatalogService catalog(*store, *recstore, [&now] {
    now.micros += 1'000'000;
    return now;
  });
  catalog.load();
  std::mt19937 rng(20261126);
  if (!cached) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < n_records; ++i) {
      catalog.upsert_harvested(make_record(i, rng));
      // A tenth of the records are used, a few of them a lot (popularity).
      if (i % 10 == 0)
        catalog.count_usage(
            "r" + std::to_string(i), storage::UsageKind::view,
            1 + static_cast<std::int64_t>(std::pow(2.0, static_cast<double>(i % 13))));
    }
    catalog.flush_usage();
    std::ofstream(data_dir / marker) << "ok\n";
    std::fprintf(stderr, "[search] stored %zu records in %.1f s\n", n_records, ms_since(t0) / 1000);
  } else {
    for (std::size_t i = 0; i < n_records; ++i) make_record(i, rng);  // same query stream
  }

  const auto tb = Clock::now();
  search::SearchService engine(catalog);
  const double first_build_s = ms_since(tb) / 1000;
  const double cb = thread_cpu_ms();
  engine.rebuild();
  const double rebuild_cpu_s = (thread_cpu_ms() - cb) / 1000;
  const search::IndexStats st = engine.stats();
  std::printf(
      "records %zu\nterms %zu\npostings %zu\nmemory_mb %.1f\nbuild_s %.2f\nfirst_build_s %.2f\n",
      st.records, st.terms, st.postings, st.memory_bytes / 1048576.0, st.build_seconds,
      first_build_s);
  std::printf("rebuild_cpu_s %.2f\n", rebuild_cpu_s);

  const std::vector<Query> queries = make_queries(n_queries, rng);
  // Warm-up pass (first-touch allocations, ICU data), then the measured pass.
  for (std::size_t i = 0; i < std::min<std::size_t>(50, queries.size()); ++i) {
    auto q = queries[i].q;
    q.visible = visible;
    engine.search(q);
  }
  std::vector<double> times, cpu;
  std::map<std::string, std::vector<double>> by_label;
  std::int64_t hits_total = 0;
  std::size_t empty = 0;
  for (const auto& qu : queries) {
    auto q = qu.q;
    q.visible = visible;
    const double c0 = thread_cpu_ms();
    const auto t0 = Clock::now();
    const auto r = engine.search(q);
    const double ms = ms_since(t0);
    cpu.push_back(thread_cpu_ms() - c0);
    times.push_back(ms);
    by_label[qu.label].push_back(ms);
    hits_total += r.total;
    if (r.total == 0) ++empty;
  }
  const auto p = percentiles(times);
  std::printf(
      "shikong_p50_ms %.3f\nshikong_p95_ms %.3f\nshikong_p99_ms %.3f\nshikong_max_ms "
      "%.3f\nshikong_mean_ms %.3f\n",
      p.p50, p.p95, p.p99, p.max, p.mean);
  const auto pc = percentiles(cpu);
  std::printf(
      "shikong_cpu_p50_ms %.3f\nshikong_cpu_p95_ms %.3f\nshikong_cpu_p99_ms "
      "%.3f\nshikong_cpu_max_ms %.3f\n",
      pc.p50, pc.p95, pc.p99, pc.max);
  std::printf("shikong_mean_total %.1f\nshikong_empty %zu\n",
              static_cast<double>(hits_total) / queries.size(), empty);
  for (const auto& [label, v] : by_label) {
    const auto lp = percentiles(v);
    std::printf("shikong_kind \"%s\" n=%zu p50 %.3f p99 %.3f\n", label.c_str(), v.size(), lp.p50,
                lp.p99);
  }
  {
    std::vector<double> sug;
    const char* prefixes[] = {"ro", "sta", "北京", "上", "pop", "湖", "sat", "气"};
    for (int rep = 0; rep < 25; ++rep)
      for (const char* pre : prefixes) {
        const auto t0 = Clock::now();
        engine.suggest(pre, 10, visible);
        sug.push_back(ms_since(t0));
      }
    const auto sp = percentiles(sug);
    std::printf("suggest_p50_ms %.3f\nsuggest_p99_ms %.3f\n", sp.p50, sp.p99);
    std::vector<double> rel;
    for (int i = 0; i < 100; ++i) {
      const auto t0 = Clock::now();
      engine.related("r" + std::to_string(i * 997 % n_records), 5, visible);
      rel.push_back(ms_since(t0));
    }
    const auto rp = percentiles(rel);
    std::printf("related_p50_ms %.3f\nrelated_p99_ms %.3f\n", rp.p50, rp.p99);
    const auto t0 = Clock::now();
    engine.tag_cloud(50, visible);
    std::printf("tag_cloud_ms %.3f\n", ms_since(t0));
  }

  if (peer) {
    Sqlite s;
    const fs::path db = data_dir / "fts5.sqlite";
    fs::remove(db);
    sqlite3_open(db.c_str(), &s.db);
    const auto records = catalog.all();
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_ms();
    build_sqlite(s, records, catalog.usage_totals());
    std::printf("fts5_build_s %.2f\nfts5_build_cpu_s %.2f\nfts5_file_mb %.1f\n",
                ms_since(t0) / 1000, (thread_cpu_ms() - c0) / 1000, fs::file_size(db) / 1048576.0);
    for (std::size_t i = 0; i < std::min<std::size_t>(50, queries.size()); ++i)
      sqlite_search(s, queries[i].q);
    std::vector<double> ft, fcpu;
    std::int64_t ftotal = 0;
    std::size_t fempty = 0;
    for (const auto& qu : queries) {
      const double c1 = thread_cpu_ms();
      const auto t1 = Clock::now();
      const auto a = sqlite_search(s, qu.q);
      ft.push_back(ms_since(t1));
      fcpu.push_back(thread_cpu_ms() - c1);
      ftotal += a.total;
      if (a.total == 0) ++fempty;
    }
    const auto fp = percentiles(ft);
    std::printf(
        "fts5_p50_ms %.3f\nfts5_p95_ms %.3f\nfts5_p99_ms %.3f\nfts5_max_ms %.3f\nfts5_mean_ms "
        "%.3f\n",
        fp.p50, fp.p95, fp.p99, fp.max, fp.mean);
    const auto fc = percentiles(fcpu);
    std::printf(
        "fts5_cpu_p50_ms %.3f\nfts5_cpu_p95_ms %.3f\nfts5_cpu_p99_ms %.3f\nfts5_cpu_max_ms %.3f\n",
        fc.p50, fc.p95, fc.p99, fc.max);
    std::printf("fts5_mean_total %.1f\nfts5_empty %zu\n",
                static_cast<double>(ftotal) / queries.size(), fempty);
  }
  return 0;
}
