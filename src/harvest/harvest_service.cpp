// The harvester's service: harvest sources and their runs. A run fetches every page of a source
// first and applies nothing until all of it has been read and parsed, so a failing source
// leaves the catalog as it was; then it upserts, counts and retires.
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_set>

#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "harvest/harvest.hpp"
#include "harvest/url.hpp"

namespace shikong::harvest {
namespace {

// Harvested record ids are "<source>-<16 hex>", and record ids are slugs of at most 64.
constexpr std::size_t kMaxSourceIdLength = 64 - 17;

bool is_xml_kind(std::string_view kind) {
  return kind == "wms" || kind == "wmts" || kind == "wfs" || kind == "csw";
}

std::string service_name(std::string_view kind) {
  if (kind == "wms") return "WMS";
  if (kind == "wmts") return "WMTS";
  return "WFS";
}

// The first request of a source, before limits and conditional headers.
FetchRequest first_request(const storage::HarvestSource& source) {
  FetchRequest req;
  const std::string& kind = source.kind;
  if (kind == "csw") return csw_first_request(source.url);
  if (kind == "wms" || kind == "wmts" || kind == "wfs") {
    // A bare endpoint (a mapserv URL, a server root) is asked for its capabilities; a URL that
    // already says what it asks for, or a static document, is taken as it is.
    req.url = source.url;
    std::string path = without_query(source.url);
    bool document = path.size() > 4 && path.compare(path.size() - 4, 4, ".xml") == 0;
    if (!document && !has_query_param(source.url, "request"))
      req.url = with_query(source.url,
                           fmt::format("service={}&request=GetCapabilities", service_name(kind)));
    req.headers = {{"Accept", "application/xml, text/xml"}};
    return req;
  }
  if (kind == "records") {
    // The collection's URL or its items URL; its query (a filter the admin chose) is kept.
    std::string path = without_query(source.url);
    std::string query = source.url.substr(path.size());
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.size() < 6 || path.compare(path.size() - 6, 6, "/items") != 0) path += "/items";
    req.url = path + (query.empty() || query.front() != '?' ? "" : query);
  } else {  // shikong
    req.url = shikong_items_url(source.url);
  }
  if (!has_query_param(req.url, "limit")) req.url = with_query(req.url, "limit=100");
  req.headers = {{"Accept", "application/geo+json, application/json"}};
  return req;
}

Page parse_page(std::string_view kind, std::string_view body, std::string_view url) {
  if (kind == "wms") return parse_wms_capabilities(body, url);
  if (kind == "wmts") return parse_wmts_capabilities(body, url);
  if (kind == "wfs") return parse_wfs_capabilities(body, url);
  if (kind == "csw") return parse_csw_records(body, url);
  if (kind == "records") return parse_records_items(body, url);
  return parse_shikong_items(body, url);
}

// Our sentence for a failed harvest; the fetcher's and the XML reader's details are ours too,
// but the cause comes first so that admins can tell the kinds apart at a glance.
std::string failure_message(const Error& e, const std::string& url,
                            const HarvestSettings& settings) {
  const std::string& code = e.code();
  if (code == "fetch-refused")
    return fmt::format(
        "The request to {} was refused: its address is loopback, private or otherwise not "
        "public (or its scheme is not http/https) and the source is not allowed to use it.",
        url);
  if (code == "fetch-timeout")
    return fmt::format("{} did not answer within {} seconds (timeout).", url,
                       settings.timeout.count() / 1000.0);
  if (code == "fetch-too-large")
    return fmt::format("The answer of {} was larger than the limit of {} bytes (too large).", url,
                       settings.max_bytes);
  if (code == "fetch-redirects")
    return fmt::format("{} redirected more than {} times (too many redirects).", url,
                       settings.max_redirects);
  if (code == "fetch-failed")
    return fmt::format("{} could not be reached or sent a malformed HTTP answer: {}", url,
                       e.detail());
  if (code == "invalid-xml" || code == "xml-too-large")
    return fmt::format("The document of {} is malformed or refused XML: {}", url, e.detail());
  if (code == "invalid-source")
    return fmt::format("The document of {} is malformed: {}", url, e.detail());
  return fmt::format("Harvesting {} failed: {}", url, e.detail());
}

// A record as far as its content goes: bookkeeping the catalog owns (dates included: the
// catalog may stamp its own) is cleared, so that two copies of the same remote entry compare
// equal.
std::string content_of(catalog::Record r) {
  r.version = 0;
  r.created = {};
  r.updated = {};
  r.published.reset();
  r.state = catalog::RecordState::published;
  r.owner.clear();
  return catalog::to_json(r);
}

}  // namespace

struct HarvestService::Impl {
  Impl(catalog::CatalogService& c, storage::RecordStore& s, Fetcher f, HarvestSettings hs, Clock k)
      : catalog(c), store(s), fetcher(std::move(f)), settings(hs), clock(std::move(k)) {}

  catalog::CatalogService& catalog;
  storage::RecordStore& store;
  Fetcher fetcher;
  HarvestSettings settings;
  Clock clock;

  std::mutex mutex;
  std::set<std::string, std::less<>> running;

  // Claims a source for the duration of a run (or a removal); released by the destructor.
  struct Claim {
    Impl* impl;
    std::string id;
    Claim(Impl* i, std::string_view source_id) : impl(i), id(source_id) {
      std::lock_guard lock(impl->mutex);
      if (!impl->running.insert(id).second)
        throw Conflict("harvest-running",
                       fmt::format("The source '{}' is being harvested right now.", id));
    }
    ~Claim() {
      std::lock_guard lock(impl->mutex);
      impl->running.erase(id);
    }
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
  };

  FetchRequest limited(FetchRequest req, const storage::HarvestSource& source) const {
    req.timeout = settings.timeout;
    req.max_bytes = settings.max_bytes;
    req.max_redirects = settings.max_redirects;
    if (source.allow_private) {
      std::string origin = origin_of(source.url);
      if (!origin.empty()) req.allowed_private_origins = {origin};
    }
    return req;
  }

  storage::HarvestRun run(const storage::HarvestSource& source);
  void apply(const storage::HarvestSource& source, std::vector<catalog::Record>& records,
             bool complete, storage::HarvestRun& run);
};

storage::HarvestRun HarvestService::Impl::run(const storage::HarvestSource& src) {
  storage::HarvestSource source = src;
  storage::HarvestRun result;
  result.source_id = source.id;
  result.started = clock();

  std::vector<catalog::Record> records;
  bool complete = true;
  std::string etag, last_modified;
  bool not_modified = false;
  std::string failure;
  FetchRequest req = limited(first_request(source), source);
  if (!source.etag.empty()) req.headers.emplace_back("If-None-Match", source.etag);
  if (!source.last_modified.empty())
    req.headers.emplace_back("If-Modified-Since", source.last_modified);

  try {
    std::set<std::string> seen_pages;
    for (std::size_t page_no = 0;; ++page_no) {
      if (page_no >= settings.max_pages || records.size() >= settings.max_records) {
        complete = false;
        break;
      }
      // A source whose next link points back to a page already read would never end.
      if (!seen_pages.insert(req.url + '\n' + req.body).second) break;
      std::string url = req.url;
      FetchResponse resp;
      try {
        resp = fetcher(req);
      } catch (const Error& e) {
        failure = failure_message(e, url, settings);
        break;
      }
      if (page_no == 0 && resp.status == 304) {
        not_modified = true;
        break;
      }
      if (resp.status != 200) {
        failure = fmt::format("{} answered with HTTP status {}.", url, resp.status);
        break;
      }
      if (page_no == 0) {
        etag = resp.header("etag");
        last_modified = resp.header("last-modified");
      }
      std::string base = resp.final_url.empty() ? url : resp.final_url;
      // Links of JSON pages are relative to the page they came in; capabilities and CSW
      // entries are named after the URL asked (the CSW endpoint gets the next page too).
      Page page;
      try {
        page = parse_page(source.kind, resp.body, is_xml_kind(source.kind) ? url : base);
      } catch (const Error& e) {
        failure = failure_message(e, url, settings);
        break;
      }
      result.rejected += page.rejected;
      for (auto& r : page.records) {
        if (records.size() >= settings.max_records) {
          complete = false;
          break;
        }
        records.push_back(std::move(r));
      }
      if (!complete || page.next_url.empty()) break;
      FetchRequest next;
      next.url = page.next_url;
      if (!page.next_body.empty()) {
        next.method = "POST";
        next.body = page.next_body;
        next.headers = {{"Content-Type", "application/xml"},
                        {"Accept", "application/xml, text/xml"}};
      } else {
        next.headers = req.headers;
        std::erase_if(next.headers, [](const auto& h) {
          return h.first == "If-None-Match" || h.first == "If-Modified-Since";
        });
      }
      req = limited(std::move(next), source);
    }
  } catch (const std::exception& e) {
    log::error("harvest {}: {}", source.id, e.what());
    failure = fmt::format("Harvesting {} failed because of an internal error.", source.url);
  }

  if (!failure.empty()) {
    result.status = "failed";
    result.message = failure;
    result.rejected = 0;
  } else if (not_modified) {
    result.status = "not-modified";
    result.message = "The source has not changed since the last harvest (HTTP 304).";
  } else {
    try {
      apply(source, records, complete, result);
      result.status = "ok";
    } catch (const std::exception& e) {
      log::error("harvest {}: applying records: {}", source.id, e.what());
      result.status = "failed";
      result.message = "The harvested records could not all be stored (internal error).";
    }
  }
  result.finished = clock();

  // The source may have been edited meanwhile (another process): keep its current settings.
  if (auto current = store.find_source(source.id)) source = *current;
  source.last_run = result.started;
  source.last_status = result.status;
  source.last_message = result.message;
  if (result.status == "ok") {
    source.etag = etag;
    source.last_modified = last_modified;
  }
  store.save_source(source);
  log::info("harvest {}: {} ({})", source.id, result.status, result.message);
  return store.add_run(result);
}

void HarvestService::Impl::apply(const storage::HarvestSource& source,
                                 std::vector<catalog::Record>& records, bool complete,
                                 storage::HarvestRun& run) {
  Instant now = clock();
  std::vector<std::string> seen;
  std::unordered_set<std::string> ids;
  for (auto& r : records) {
    r.id = harvested_record_id(source.id, r.external_id);
    if (!ids.insert(r.id).second) continue;  // the same entry twice in one listing
    seen.push_back(r.id);
    r.source_id = source.id;
    if (r.source_url.empty()) r.source_url = source.url;
    r.state = catalog::RecordState::published;
    r.owner.clear();
    r.dataset_id.clear();
    auto existing = catalog.find(r.id);
    bool remote_date = r.updated.micros != 0;
    if (existing) {
      r.created = existing->created;
      if (!remote_date) r.updated = existing->updated;
    } else {
      if (r.created.micros == 0) r.created = remote_date ? r.updated : now;
      if (!remote_date) r.updated = now;
    }
    if (existing && existing->state == catalog::RecordState::published &&
        existing->source_id == source.id) {
      // The source's own date says whether it changed; without one, the content does.
      if (remote_date ? existing->updated == r.updated : content_of(*existing) == content_of(r)) {
        ++run.unchanged;
        continue;
      }
      if (!remote_date) r.updated = now;
    }
    try {
      switch (catalog.upsert_harvested(r)) {
        case catalog::CatalogService::Upsert::added:
          ++run.added;
          break;
        case catalog::CatalogService::Upsert::updated:
          ++run.updated;
          break;
        case catalog::CatalogService::Upsert::unchanged:
          ++run.unchanged;
          break;
      }
    } catch (const Error& e) {
      // One entry the catalog refuses (a title too long, ...) must not sink the others.
      log::warn("harvest {}: entry '{}' refused: {}", source.id, r.external_id, e.detail());
      ++run.rejected;
      std::erase(seen, r.id);
      // A refused update leaves the stored copy; it is still at the source, so keep it.
      if (existing) seen.push_back(r.id);
    }
  }
  if (complete) run.retired = static_cast<std::int64_t>(catalog.retire_missing(source.id, seen));
  std::int64_t total = run.added + run.updated + run.unchanged;
  run.message = fmt::format(
      "{} records harvested: {} added, {} updated, {} unchanged, {} retired, {} rejected.", total,
      run.added, run.updated, run.unchanged, run.retired, run.rejected);
  if (!complete)
    run.message += fmt::format(
        " The source has more than the limit of {} pages or {} records; the rest was not read "
        "and nothing was retired.",
        settings.max_pages, settings.max_records);
}

HarvestService::HarvestService(catalog::CatalogService& catalog, storage::RecordStore& store,
                               Fetcher fetcher, HarvestSettings settings, Clock clock)
    : impl_(
          std::make_shared<Impl>(catalog, store, std::move(fetcher), settings, std::move(clock))) {}

storage::HarvestSource HarvestService::add_source(storage::HarvestSource source) {
  if (!is_valid_dataset_id(source.id) || source.id.size() > kMaxSourceIdLength)
    throw InvalidInput("invalid-source-id",
                       fmt::format("A source id is 1 to {} characters of a-z, 0-9, '_' and '-', "
                                   "starting with a letter or digit.",
                                   kMaxSourceIdLength),
                       "id");
  const auto& kinds = source_kinds();
  if (std::find(kinds.begin(), kinds.end(), source.kind) == kinds.end())
    throw InvalidInput("invalid-source-kind",
                       "The kind of a source is one of wms, wmts, wfs, csw, records, shikong.",
                       "kind");
  bool bad_char = std::any_of(source.url.begin(), source.url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
  });
  if (source.url.size() > 2048 || bad_char || !split_url(source.url))
    throw InvalidInput("invalid-source-url",
                       "The url of a source is an absolute http:// or https:// URL with a host, "
                       "without credentials or blanks, of at most 2048 characters.",
                       "url");
  if (source.interval_minutes < 0)
    throw InvalidInput("invalid-interval", "The harvest interval is 0 (on demand) or more minutes.",
                       "interval_minutes");
  if (source.title.size() > 500)
    throw InvalidInput("invalid-source-title", "The title of a source is at most 500 bytes.",
                       "title");
  std::lock_guard lock(impl_->mutex);
  if (impl_->store.find_source(source.id))
    throw Conflict("source-exists", fmt::format("A source named '{}' exists already.", source.id));
  source.etag.clear();
  source.last_modified.clear();
  source.last_run.reset();
  source.last_status.clear();
  source.last_message.clear();
  if (source.created.micros == 0) source.created = impl_->clock();
  impl_->store.save_source(source);
  return source;
}

void HarvestService::remove_source(std::string_view id) {
  if (!impl_->store.find_source(id))
    throw NotFound("unknown-source", fmt::format("There is no harvest source '{}'.", id), "id");
  Impl::Claim claim(impl_.get(), id);
  impl_->catalog.remove_source_records(id);
  impl_->store.delete_source(id);
}

storage::HarvestRun HarvestService::run(std::string_view source_id) {
  auto source = impl_->store.find_source(source_id);
  if (!source)
    throw NotFound("unknown-source", fmt::format("There is no harvest source '{}'.", source_id),
                   "id");
  Impl::Claim claim(impl_.get(), source_id);
  return impl_->run(*source);
}

std::vector<storage::HarvestRun> HarvestService::run_due() {
  std::vector<storage::HarvestRun> runs;
  Instant now = impl_->clock();
  for (const auto& source : impl_->store.list_sources()) {
    if (!source.enabled || source.interval_minutes <= 0) continue;
    std::int64_t interval_us = source.interval_minutes * 60'000'000;
    if (source.last_run && now.micros - source.last_run->micros < interval_us) continue;
    try {
      runs.push_back(run(source.id));
    } catch (const Conflict&) {
      // already running (an admin's run now, or the previous tick still going)
    } catch (const NotFound&) {
      // removed since the listing
    }
  }
  return runs;
}

std::vector<storage::HarvestSource> HarvestService::sources() {
  auto list = impl_->store.list_sources();
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return list;
}

std::optional<storage::HarvestSource> HarvestService::find_source(std::string_view id) {
  return impl_->store.find_source(id);
}

std::vector<storage::HarvestRun> HarvestService::runs(std::string_view source_id,
                                                      std::size_t limit) {
  auto list = impl_->store.list_runs(source_id, limit);
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  if (list.size() > limit) list.resize(limit);
  return list;
}

}  // namespace shikong::harvest
