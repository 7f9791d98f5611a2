// The directory service: records in memory behind a shared mutex, the RecordStore as the truth
// (every write reads the stored version and saves against it, so two processes never lose each
// other's change), the workflow's rules, harvested copies and buffered usage counts.
#include "catalog/catalog_service.hpp"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"
#include "datum/time.hpp"

namespace shikong::catalog {

namespace {

using storage::RecordChange;
using storage::StoredRecord;

constexpr int kAttempts = 10;  // saves retried after another writer's change (each one landed)

Instant system_now() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Instant{us.count()};
}

std::string day_of(Instant t) {
  return datum::format_rfc3339_utc(t).substr(0, 10);
}

bool is_version_conflict(const Conflict& e) {
  return e.code() == "version-conflict";
}

[[noreturn]] void record_not_found() {
  throw NotFound("record-not-found", "No record has this id.", "id");
}

// Members that change with every save or with the state; the history shows the state apart.
const std::set<std::string, std::less<>>& bookkeeping_members() {
  static const std::set<std::string, std::less<>> s = {"version", "created", "updated", "state",
                                                       "published"};
  return s;
}

// {"member":{"from":<old>,"to":<new>}} for every member whose JSON differs.
std::string diff_json(const Record& before, const Record& after) {
  const std::string a = to_json(before), b = to_json(after);
  thread_local simdjson::dom::parser pa, pb;
  simdjson::dom::object oa, ob;
  if (pa.parse(a).get_object().get(oa) != simdjson::SUCCESS ||
      pb.parse(b).get_object().get(ob) != simdjson::SUCCESS)
    return "{}";
  std::string out = "{";
  for (auto m : ob) {
    if (bookkeeping_members().count(m.key) != 0) continue;
    simdjson::dom::element old;
    std::string old_text = oa.at_key(m.key).get(old) == simdjson::SUCCESS
                               ? std::string(simdjson::minify(old))
                               : std::string("null");
    std::string new_text = simdjson::minify(m.value);
    if (old_text == new_text) continue;
    if (out.size() > 1) out += ',';
    append_json_string(out, m.key);
    out += ":{\"from\":";
    out += old_text;
    out += ",\"to\":";
    out += new_text;
    out += '}';
  }
  out += '}';
  return out;
}

// The record a stored row describes; the row's columns win over the document's copies.
std::optional<Record> to_record(const StoredRecord& s) {
  Record r;
  try {
    r = record_from_json(s.document);
  } catch (const Error& e) {
    log::error("catalog: record {} has an unreadable document ({}); skipped", s.id, e.detail());
    return std::nullopt;
  }
  r.id = s.id;
  r.state = record_state_from_string(s.state).value_or(RecordState::draft);
  r.owner = s.owner;
  r.dataset_id = s.dataset_id;
  r.source_id = s.source_id;
  r.version = s.version;
  r.created = s.created;
  // A harvested copy shows its source's modification date (kept in the document); the column
  // says when we stored it.
  if (s.source_id.empty() || r.updated.micros == 0) r.updated = s.updated;
  return r;
}

bool owns(const Record& r, const Actor& a) {
  return a.publisher && !a.user.empty() && a.user == r.owner;
}
bool may_edit(const Record& r, const Actor& a) {
  return a.admin || owns(r, a);
}
bool may_review(const Actor& a) {
  return a.admin || a.reviewer;
}

void apply_patch(Record& r, const RecordPatch& p) {
  if (p.type) r.type = *p.type;
  if (p.title) r.title = *p.title;
  if (p.abstract) r.abstract = *p.abstract;
  if (p.topic) r.topic = *p.topic;
  if (p.publisher) r.publisher = *p.publisher;
  if (p.licence) r.licence = *p.licence;
  if (p.lineage) r.lineage = *p.lineage;
  if (p.update_frequency) r.update_frequency = *p.update_frequency;
  if (p.language) r.language = *p.language;
  if (p.access) r.access = *p.access;
  if (p.keywords) r.keywords = *p.keywords;
  if (p.contact) r.contact = *p.contact;
  if (p.links) r.links = *p.links;
  if (p.extent) r.extent = p.extent->empty() ? std::nullopt : std::optional<Envelope>(*p.extent);
  if (p.time_extent)
    r.time_extent =
        p.time_extent->unbounded() ? std::nullopt : std::optional<Interval>(*p.time_extent);
}

std::vector<std::string> formats_of(storage::DatasetKind kind) {
  switch (kind) {
    case storage::DatasetKind::vector:
      return {"GeoJSON", "CSV", "GeoPackage", "MVT", "WMS", "WMTS", "OGC API - Features"};
    case storage::DatasetKind::raster:
      return {"GeoTIFF", "WMS", "WMTS"};
    case storage::DatasetKind::stream:
      return {"GeoJSON", "CSV", "OGC API - Features"};
  }
  return {};
}

// The fields a record takes from its data (and the access level, which the dataset holds).
void fill_from_data(Record& r, const storage::DatasetInfo& d) {
  r.extent = d.extent.empty() ? std::nullopt : std::optional<Envelope>(d.extent);
  r.time_extent = d.time_extent.unbounded() ? std::nullopt : std::optional<Interval>(d.time_extent);
  r.crs = d.crs;
  r.vertical_datum = d.vertical_datum;
  r.feature_count = d.feature_count;
  r.fields.clear();
  for (const Field& f : d.schema.fields)
    r.fields.push_back(f.name + ":" + std::string(to_string(f.type)));
  r.formats = formats_of(d.kind);
  r.source_format = d.source_format;
  r.kind = std::string(storage::to_string(d.kind));
  r.access = d.access;
}

std::string_view action_to(RecordState s) {
  switch (s) {
    case RecordState::draft:
      return "returned";
    case RecordState::submitted:
      return "submitted";
    case RecordState::published:
      return "published";
    case RecordState::retired:
      return "retired";
  }
  return "updated";
}

std::string state_name(RecordState s) {
  return std::string(to_string(s));
}

// Drops control characters other than tab, line feed and carriage return: a remote source's
// text goes out in CSW XML too, which cannot carry them (a client's patch is refused instead).
void drop_controls(std::string& s) {
  s.erase(std::remove_if(s.begin(), s.end(),
                         [](unsigned char c) {
                           return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
                         }),
          s.end());
}

void drop_controls(Record& r) {
  for (std::string* s : {&r.type,           &r.kind,          &r.title,
                         &r.abstract,       &r.topic,         &r.publisher,
                         &r.licence,        &r.lineage,       &r.update_frequency,
                         &r.language,       &r.access,        &r.crs,
                         &r.vertical_datum, &r.source_format, &r.source_url,
                         &r.external_id,    &r.contact.name,  &r.contact.organisation,
                         &r.contact.email,  &r.contact.phone, &r.contact.role})
    drop_controls(*s);
  for (auto* v : {&r.keywords, &r.fields, &r.formats})
    for (std::string& s : *v) drop_controls(s);
  for (Link& l : r.links)
    for (std::string* s : {&l.href, &l.rel, &l.type, &l.title, &l.protocol}) drop_controls(*s);
}

// One change of a record read from the store: fills the next version and its history entry and
// returns false when nothing is to be saved.
using Change = std::function<bool(const Record& cur, Record& next, RecordChange& c)>;

}  // namespace

struct CatalogService::Impl {
  Impl(storage::Store& s, storage::RecordStore& r) : store(s), records(r) {}

  storage::Store& store;
  storage::RecordStore& records;

  struct Entry {
    Record record;
    std::int64_t seq = 0;
  };
  // The id of a changed record to tell the listeners about.
  using Notice = std::string;

  mutable std::shared_mutex mutex;  // guards entries, tombstones, last_seq
  std::map<std::string, Entry, std::less<>> entries;
  std::map<std::string, std::int64_t, std::less<>> tombstones;  // id -> seq of the deletion
  std::int64_t last_seq = 0;
  std::mutex refresh_mutex;  // one refresh at a time

  std::mutex listeners_mutex;
  std::vector<Listener> listeners;

  std::mutex usage_mutex;  // guards the pending counts and the stored totals' copy
  std::map<std::tuple<std::string, std::string, storage::UsageKind>, std::int64_t> pending_usage;
  std::map<std::pair<std::string, std::string>, std::int64_t> pending_pairs;
  std::optional<std::map<std::string, storage::UsageTotals, std::less<>>> stored_totals;

  // Takes a stored row into memory unless memory already has it or something newer; returns
  // whether it changed what readers see. Call with `mutex` held exclusively.
  bool apply_locked(const StoredRecord& s, std::vector<Notice>& notices) {
    if (auto t = tombstones.find(s.id); t != tombstones.end() && t->second >= s.seq) return false;
    auto it = entries.find(s.id);
    if (it != entries.end() && it->second.seq >= s.seq) return false;
    if (s.deleted) {
      tombstones[s.id] = s.seq;
      if (it == entries.end()) return false;
      entries.erase(it);
      notices.push_back(s.id);
      return true;
    }
    auto r = to_record(s);
    if (!r) return false;
    tombstones.erase(s.id);
    notices.push_back(s.id);
    entries[s.id] = Entry{std::move(*r), s.seq};
    return true;
  }

  // Called with no lock held, so a listener may read the catalog (even refresh it). Each
  // listener gets the record as it is when it is told, not as it was when it changed: two
  // threads telling about one record in either order both end on its current state.
  void notify(const std::vector<Notice>& notices) {
    if (notices.empty()) return;
    std::vector<Listener> ls;
    {
      std::lock_guard lock(listeners_mutex);
      ls = listeners;
    }
    if (ls.empty()) return;
    for (const auto& id : notices) {
      std::optional<Record> now;
      {
        std::shared_lock lock(mutex);
        auto it = entries.find(id);
        if (it != entries.end()) now = it->second.record;
      }
      for (const auto& l : ls) {
        try {
          l(id, now ? &*now : nullptr);
        } catch (const std::exception& e) {
          log::error("catalog: a record listener failed on {}: {}", id, e.what());
        }
      }
    }
  }

  void take(const StoredRecord& s) {
    std::vector<Notice> notices;
    {
      std::unique_lock lock(mutex);
      apply_locked(s, notices);
    }
    notify(notices);
  }

  // Saves `r` against `expected` with `change`, takes the result into memory, tells listeners.
  // `keep_updated`: a harvested copy keeps the date its source gave (when it gave one).
  Record commit(Record r, std::int64_t expected, RecordChange change, Instant now,
                bool keep_updated = false) {
    r.version = expected + 1;
    if (!keep_updated || r.updated.micros == 0) r.updated = now;
    if (r.created.micros == 0) r.created = now;
    change.record_id = r.id;
    change.at = now;
    if (change.diff_json.empty()) change.diff_json = "{}";
    StoredRecord s;
    s.id = r.id;
    s.state = state_name(r.state);
    s.owner = r.owner;
    s.dataset_id = r.dataset_id;
    s.source_id = r.source_id;
    s.created = r.created;
    s.updated = now;
    s.document = to_json(r);
    StoredRecord stored = records.save_record(s, change, expected);
    take(stored);
    return to_record(stored).value_or(r);
  }

  void remove_stored(const Record& r, const std::string& actor, Instant now) {
    RecordChange c;
    c.record_id = r.id;
    c.actor = actor;
    c.action = "deleted";
    c.from_state = state_name(r.state);
    c.at = now;
    c.diff_json = "{}";
    records.delete_record(r.id, c);
    // The tombstone's seq is not returned; refresh() takes it in. Until then memory drops it.
    std::vector<Notice> notices;
    {
      std::unique_lock lock(mutex);
      auto it = entries.find(r.id);
      if (it != entries.end()) {
        tombstones[r.id] = it->second.seq + 1;
        entries.erase(it);
        notices.push_back(r.id);
      }
    }
    notify(notices);
  }

  bool known(std::string_view id) const {
    std::shared_lock lock(mutex);
    return entries.count(id) != 0;
  }

  std::optional<Record> stored(std::string_view id) {
    auto s = records.find_record(id);
    if (!s) return std::nullopt;
    take(*s);
    return to_record(*s);
  }

  Record mutate(std::string_view id, const Actor& actor, std::int64_t if_version,
                const Clock& clock, const Change& change) {
    for (int attempt = 0;; ++attempt) {
      auto cur = stored(id);
      if (!cur || !CatalogService::visible(*cur, actor)) record_not_found();
      if (cur->harvested())
        throw Conflict("read-only-record",
                       "A harvested record is a copy; it changes only with its source.");
      if (if_version > 0 && cur->version != if_version)
        throw Conflict("version-conflict",
                       "The record was changed meanwhile; read it again and repeat the change.");
      Record next = *cur;
      RecordChange c;
      c.actor = actor.user;
      if (!change(*cur, next, c)) return *cur;
      c.from_state = state_name(cur->state);
      c.to_state = state_name(next.state);
      if (c.diff_json.empty()) c.diff_json = diff_json(*cur, next);
      try {
        return commit(next, cur->version, c, clock());
      } catch (const Conflict& e) {
        // Another writer came between the read and the save: read again, unless the caller
        // asked for the version it had seen.
        if (!is_version_conflict(e) || if_version > 0 || attempt + 1 >= kAttempts) throw;
      }
    }
  }
};

CatalogService::CatalogService(storage::Store& store, storage::RecordStore& records, Clock clock)
    : impl_(std::make_shared<Impl>(store, records)),
      clock_(clock ? std::move(clock) : Clock(system_now)) {}

// ---- loading and following other processes

void CatalogService::load() {
  refresh();
  // A dataset without a record from before the catalog's tables was public (there was no
  // workflow) and stays so; a later one lost its record to a crash between the data's commit
  // and the record's, and becomes a draft rather than public data nobody approved.
  const std::optional<Instant> tables_made = impl_->records.created_at();
  std::set<std::string> datasets;
  for (const auto& d : impl_->store.list_datasets()) {
    datasets.insert(d.id);
    const bool from_before = !tables_made || d.created < *tables_made;
    try {
      dataset_changed(d.id, from_before ? RecordState::published : RecordState::draft, "system");
    } catch (const Error& e) {
      log::error("catalog: the record of dataset {} could not be made: {}", d.id, e.detail());
    }
  }
  // Records of datasets deleted while no catalog was looking go with their data.
  for (const Record& r : all()) {
    if (r.dataset_id.empty() || datasets.count(r.dataset_id) != 0) continue;
    try {
      impl_->remove_stored(r, "system", now());
    } catch (const NotFound&) {
    }
  }
}

void CatalogService::refresh() {
  std::vector<Impl::Notice> notices;
  {
    // One reader of the store at a time, so last_seq never moves past rows not yet applied;
    // released before the listeners run (they may call find(), which may refresh).
    std::lock_guard refresh_lock(impl_->refresh_mutex);
    std::int64_t since;
    {
      std::shared_lock lock(impl_->mutex);
      since = impl_->last_seq;
    }
    auto changed = impl_->records.records_since(since);
    if (changed.empty()) return;
    std::unique_lock lock(impl_->mutex);
    for (const auto& s : changed) {
      impl_->apply_locked(s, notices);
      impl_->last_seq = std::max(impl_->last_seq, s.seq);
    }
  }
  impl_->notify(notices);
}

void CatalogService::add_listener(Listener listener) {
  std::lock_guard lock(impl_->listeners_mutex);
  impl_->listeners.push_back(std::move(listener));
}

// ---- datasets

Record CatalogService::dataset_changed(std::string_view dataset_id, RecordState initial,
                                       const std::string& actor) {
  for (int attempt = 0;; ++attempt) {
    auto ds = impl_->store.find_dataset(dataset_id);
    if (!ds) throw NotFound("dataset-not-found", "No dataset has this id.", "id");
    auto stored = impl_->records.find_record(dataset_id);
    std::optional<Record> cur = stored ? to_record(*stored) : std::nullopt;
    try {
      const Instant t = now();
      if (!cur || cur->dataset_id != ds->id) {
        // A new record; one registered by hand under this id (no data) is replaced, so the
        // dataset's owner and state decide who sees the data.
        Record r;
        r.id = ds->id;
        r.dataset_id = ds->id;
        r.type = "dataset";
        r.title = ds->title.empty() ? ds->id : ds->title;
        r.abstract = ds->description;
        r.owner = ds->owner;
        fill_from_data(r, *ds);
        r.state = RecordState::draft;
        RecordChange c;
        c.actor = actor;
        c.action = "created";
        c.to_state = "draft";
        if (cur) c.comment = "replaces a record that described no dataset";
        Record made = impl_->commit(r, stored ? stored->version : 0, c, t);
        if (initial == RecordState::draft) return made;
        Record next = made;
        next.state = initial;
        if (initial == RecordState::published) next.published = t;
        RecordChange p;
        p.actor = actor;
        p.action = std::string(action_to(initial));
        p.from_state = "draft";
        p.to_state = state_name(initial);
        return impl_->commit(next, made.version, p, t);
      }
      Record next = *cur;
      fill_from_data(next, *ds);
      std::string diff = diff_json(*cur, next);
      if (diff == "{}") return *cur;
      RecordChange c;
      c.actor = actor;
      c.action = "refreshed";
      c.from_state = c.to_state = state_name(cur->state);
      c.diff_json = std::move(diff);
      return impl_->commit(next, cur->version, c, t);
    } catch (const Conflict& e) {
      if (!is_version_conflict(e) || attempt + 1 >= kAttempts) throw;
    }
  }
}

void CatalogService::dataset_deleted(std::string_view dataset_id, const std::string& actor) {
  auto cur = impl_->stored(dataset_id);
  if (!cur || cur->dataset_id != dataset_id) return;
  try {
    impl_->remove_stored(*cur, actor, now());
  } catch (const NotFound&) {
    // Deleted meanwhile by another process: the same outcome.
  }
}

// ---- reads

std::optional<Record> CatalogService::find(std::string_view id) {
  {
    std::shared_lock lock(impl_->mutex);
    auto it = impl_->entries.find(id);
    if (it != impl_->entries.end()) return it->second.record;
  }
  refresh();
  std::shared_lock lock(impl_->mutex);
  auto it = impl_->entries.find(id);
  if (it != impl_->entries.end()) return it->second.record;
  return std::nullopt;
}

std::optional<Record> CatalogService::find_by_dataset(std::string_view dataset_id) {
  auto r = find(dataset_id);
  if (r && r->dataset_id == dataset_id) return r;
  return std::nullopt;
}

std::vector<Record> CatalogService::all() const {
  std::shared_lock lock(impl_->mutex);
  std::vector<Record> out;
  out.reserve(impl_->entries.size());
  for (const auto& [id, e] : impl_->entries) out.push_back(e.record);
  return out;
}

std::vector<storage::RecordChange> CatalogService::history(std::string_view id) {
  return impl_->records.record_history(id);
}

bool CatalogService::visible(const Record& record, const Actor& actor) {
  if (record.state == RecordState::published) return true;
  if (actor.admin) return true;
  if (!actor.user.empty() && actor.user == record.owner) return true;
  return actor.reviewer && record.state == RecordState::submitted;
}

bool CatalogService::dataset_visible(std::string_view dataset_id, std::string_view dataset_owner,
                                     const Actor& actor) {
  // Memory only: asked on every data request; a record another process made just now is seen
  // at the next refresh, and until then the data stays hidden like a draft's.
  {
    std::shared_lock lock(impl_->mutex);
    auto it = impl_->entries.find(dataset_id);
    if (it != impl_->entries.end() && it->second.record.dataset_id == dataset_id)
      return visible(it->second.record, actor);
  }
  Record draft;
  draft.state = RecordState::draft;
  draft.owner = std::string(dataset_owner);
  return visible(draft, actor);
}

// ---- writes

Record CatalogService::create(const std::string& id, const RecordPatch& patch, const Actor& actor) {
  if (!actor.admin && !(actor.publisher && !actor.user.empty()))
    throw Forbidden("forbidden", "Registering a record needs the publisher role.");
  if (!is_valid_dataset_id(id))
    throw InvalidInput("invalid-id",
                       "A record id is 1 to 64 lowercase letters, digits, '-' or '_', starting "
                       "with a letter or digit.",
                       "id");
  if (!patch.title) throw InvalidInput("invalid-record", "A record needs a title.", "/title");
  if (impl_->records.find_record(id) || impl_->store.find_dataset(id))
    throw Conflict("record-exists", "A record or dataset already has this id.");
  Record r;
  r.id = id;
  apply_patch(r, patch);
  r.owner = actor.user;
  r.state = RecordState::draft;
  RecordChange c;
  c.actor = actor.user;
  c.action = "created";
  c.to_state = "draft";
  try {
    return impl_->commit(r, 0, c, now());
  } catch (const Conflict& e) {
    if (is_version_conflict(e))
      throw Conflict("record-exists", "A record or dataset already has this id.");
    throw;
  }
}

Record CatalogService::update(std::string_view id, const RecordPatch& patch, const Actor& actor,
                              std::int64_t if_version) {
  Record out = impl_->mutate(
      id, actor, if_version, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
        if (!may_edit(cur, actor))
          throw Forbidden("forbidden", "Only the record's owner or an administrator may edit it.");
        if (!cur.dataset_id.empty() && (patch.extent || patch.time_extent))
          throw InvalidInput("invalid-record",
                             "The extent and time of a dataset's record are taken from "
                             "its data.",
                             patch.extent ? "/extent" : "/time");
        apply_patch(next, patch);
        c.diff_json = diff_json(cur, next);
        if (c.diff_json == "{}") return false;
        c.action = "updated";
        return true;
      });
  // The security rule reads the dataset's level: it follows the record. After the record's
  // save, so that the store's change listener (which calls dataset_changed) finds both equal
  // and records no second change.
  if (!out.dataset_id.empty() && patch.access) {
    auto ds = impl_->store.find_dataset(out.dataset_id);
    if (!ds) {
      log::warn("catalog: record {} describes a dataset that is gone", out.id);
    } else if (ds->access != out.access) {
      storage::DatasetPatch dp;
      dp.access = out.access;
      impl_->store.update_dataset(out.dataset_id, dp);
    }
  }
  return out;
}

namespace {

[[noreturn]] void invalid_transition(const Record& r, std::string_view what) {
  throw Conflict("invalid-transition",
                 "A " + state_name(r.state) + " record cannot be " + std::string(what) + ".");
}

}  // namespace

Record CatalogService::submit(std::string_view id, const Actor& actor, const std::string& comment) {
  return impl_->mutate(id, actor, 0, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
    if (!may_edit(cur, actor))
      throw Forbidden("forbidden", "Only the record's owner or an administrator may submit it.");
    if (cur.state != RecordState::draft) invalid_transition(cur, "submitted");
    next.state = RecordState::submitted;
    c.action = "submitted";
    c.comment = comment;
    return true;
  });
}

Record CatalogService::approve(std::string_view id, const Actor& actor,
                               const std::string& comment) {
  return impl_->mutate(id, actor, 0, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
    if (!may_review(actor))
      throw Forbidden("forbidden", "Only a reviewer or an administrator may approve a record.");
    if (cur.state != RecordState::submitted) invalid_transition(cur, "approved");
    if (!actor.admin) {
      // Four eyes: who submitted (or owns) the record may not approve it.
      std::string submitter;
      for (const auto& h : impl_->records.record_history(cur.id))
        if (h.action == "submitted") submitter = h.actor;
      if (actor.user == cur.owner || actor.user == submitter)
        throw Forbidden("own-submission", "A reviewer may not approve their own submission.");
    }
    next.state = RecordState::published;
    if (!next.published) next.published = now();
    c.action = "approved";
    c.comment = comment;
    return true;
  });
}

Record CatalogService::return_to_draft(std::string_view id, const Actor& actor,
                                       const std::string& comment) {
  return impl_->mutate(id, actor, 0, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
    if (!may_review(actor))
      throw Forbidden("forbidden", "Only a reviewer or an administrator may return a record.");
    if (cur.state != RecordState::submitted) invalid_transition(cur, "returned");
    if (comment.find_first_not_of(" \t\r\n") == std::string::npos)
      throw InvalidInput("comment-required",
                         "Returning a record needs a comment saying what to change.", "comment");
    next.state = RecordState::draft;
    c.action = "returned";
    c.comment = comment;
    return true;
  });
}

Record CatalogService::publish(std::string_view id, const Actor& actor,
                               const std::string& comment) {
  return impl_->mutate(id, actor, 0, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
    if (!actor.admin)
      throw Forbidden("forbidden", "Only an administrator may publish a record directly.");
    if (cur.state == RecordState::published) invalid_transition(cur, "published");
    next.state = RecordState::published;
    if (!next.published) next.published = now();
    c.action = "published";
    c.comment = comment;
    return true;
  });
}

Record CatalogService::retire(std::string_view id, const Actor& actor, const std::string& comment) {
  return impl_->mutate(id, actor, 0, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
    if (!may_edit(cur, actor))
      throw Forbidden("forbidden", "Only the record's owner or an administrator may retire it.");
    if (cur.state != RecordState::published) invalid_transition(cur, "retired");
    next.state = RecordState::retired;
    c.action = "retired";
    c.comment = comment;
    return true;
  });
}

Record CatalogService::reopen(std::string_view id, const Actor& actor, const std::string& comment) {
  return impl_->mutate(id, actor, 0, clock_, [&](const Record& cur, Record& next, RecordChange& c) {
    if (!may_edit(cur, actor))
      throw Forbidden("forbidden", "Only the record's owner or an administrator may reopen it.");
    if (cur.state != RecordState::retired) invalid_transition(cur, "reopened");
    next.state = RecordState::draft;
    c.action = "reopened";
    c.comment = comment;
    return true;
  });
}

void CatalogService::remove(std::string_view id, const Actor& actor) {
  auto cur = impl_->stored(id);
  if (!cur || !visible(*cur, actor)) record_not_found();
  if (cur->harvested())
    throw Conflict("read-only-record",
                   "A harvested record is a copy; it changes only with its source.");
  if (!may_edit(*cur, actor))
    throw Forbidden("forbidden", "Only the record's owner or an administrator may delete it.");
  if (!cur->dataset_id.empty())
    throw Conflict("record-has-data",
                   "This record describes a dataset; it is deleted with the dataset.");
  try {
    impl_->remove_stored(*cur, actor.user, now());
  } catch (const NotFound&) {
    record_not_found();
  }
}

// ---- harvested records

CatalogService::Upsert CatalogService::upsert_harvested(const Record& record) {
  if (record.source_id.empty())
    throw InvalidInput("invalid-record", "A harvested record needs its source.", "source_id");
  for (int attempt = 0;; ++attempt) {
    auto cur = impl_->stored(record.id);
    const Instant t = now();
    Record next = record;
    drop_controls(next);
    next.state = RecordState::published;
    next.owner.clear();
    next.dataset_id.clear();
    RecordChange c;
    c.actor = "harvester";
    c.action = "harvested";
    c.to_state = "published";
    try {
      if (!cur) {
        if (next.created.micros == 0) next.created = t;
        if (!next.published) next.published = t;
        impl_->commit(next, 0, c, t, true);
        return Upsert::added;
      }
      if (cur->source_id != record.source_id)
        throw Conflict("record-exists", "Another record already has this id.");
      // Bookkeeping is ours, not the source's: compare what the source says.
      next.created = cur->created;
      if (!next.published) next.published = cur->published ? cur->published : std::optional(t);
      Record same = next;
      same.version = cur->version;
      // The source's modification date counts when it gives one; else only the content does.
      if (record.updated.micros == 0) same.updated = cur->updated;
      same.published = cur->published;
      if (to_json(same) == to_json(*cur)) return Upsert::unchanged;
      c.from_state = state_name(cur->state);
      c.diff_json = diff_json(*cur, next);
      // New content under the stored date: the source gave none, so the change is dated now.
      if (next.updated == cur->updated) next.updated = Instant{};
      impl_->commit(next, cur->version, c, t, true);
      return Upsert::updated;
    } catch (const Conflict& e) {
      if (!is_version_conflict(e) || attempt + 1 >= kAttempts) throw;
    }
  }
}

std::size_t CatalogService::retire_missing(std::string_view source_id,
                                           const std::vector<std::string>& seen) {
  refresh();
  std::set<std::string, std::less<>> keep(seen.begin(), seen.end());
  std::size_t n = 0;
  for (const Record& r : all()) {
    if (r.source_id != source_id || r.state != RecordState::published || keep.count(r.id) != 0)
      continue;
    Record next = r;
    next.state = RecordState::retired;
    RecordChange c;
    c.actor = "harvester";
    c.action = "retired";
    c.from_state = "published";
    c.to_state = "retired";
    c.comment = "The record is gone from its source.";
    try {
      impl_->commit(next, r.version, c, now());
      ++n;
    } catch (const Conflict& e) {
      // Changed by another harvest meanwhile: that one decides.
      if (!is_version_conflict(e)) throw;
    }
  }
  return n;
}

std::size_t CatalogService::remove_source_records(std::string_view source_id) {
  refresh();
  std::size_t n = 0;
  for (const Record& r : all()) {
    if (r.source_id != source_id) continue;
    try {
      impl_->remove_stored(r, "harvester", now());
      ++n;
    } catch (const NotFound&) {
    }
  }
  return n;
}

// ---- usage

void CatalogService::count_usage(std::string_view dataset_id, storage::UsageKind kind,
                                 std::int64_t n) {
  if (n <= 0 || !impl_->known(dataset_id)) return;  // ids from request paths may be anything
  std::string day = day_of(now());
  std::lock_guard lock(impl_->usage_mutex);
  impl_->pending_usage[{std::string(dataset_id), std::move(day), kind}] += n;
}

void CatalogService::count_used_together(const std::vector<std::string>& dataset_ids) {
  std::set<std::string> ids;
  for (const auto& id : dataset_ids)
    if (impl_->known(id)) ids.insert(id);
  if (ids.size() < 2) return;
  std::lock_guard lock(impl_->usage_mutex);
  for (auto a = ids.begin(); a != ids.end(); ++a)
    for (auto b = std::next(a); b != ids.end(); ++b) impl_->pending_pairs[{*a, *b}] += 1;
}

void CatalogService::flush_usage() {
  decltype(impl_->pending_usage) usage;
  decltype(impl_->pending_pairs) pairs;
  {
    std::lock_guard lock(impl_->usage_mutex);
    usage.swap(impl_->pending_usage);
    pairs.swap(impl_->pending_pairs);
  }
  std::vector<storage::RecordStore::UsageDelta> deltas;
  for (const auto& [key, n] : usage)
    deltas.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  std::vector<std::pair<std::string, std::string>> together;
  for (const auto& [p, n] : pairs)
    for (std::int64_t i = 0; i < n; ++i) together.push_back(p);
  try {
    impl_->records.add_usage(deltas);
    deltas.clear();
    impl_->records.add_used_together(together);
    auto totals = impl_->records.usage_totals();
    std::lock_guard lock(impl_->usage_mutex);
    impl_->stored_totals = std::move(totals);
  } catch (...) {
    // Kept for the next flush rather than lost (usage was written only if deltas is empty).
    std::lock_guard lock(impl_->usage_mutex);
    if (!deltas.empty())
      for (const auto& [key, n] : usage) impl_->pending_usage[key] += n;
    for (const auto& [p, n] : pairs) impl_->pending_pairs[p] += n;
    throw;
  }
}

namespace {

void add_kind(storage::UsageTotals& t, storage::UsageKind k, std::int64_t n) {
  switch (k) {
    case storage::UsageKind::view:
      t.views += n;
      break;
    case storage::UsageKind::download:
      t.downloads += n;
      break;
    case storage::UsageKind::api:
      t.api_calls += n;
      break;
    case storage::UsageKind::tile:
      t.tile_calls += n;
      break;
  }
}

}  // namespace

std::map<std::string, storage::UsageTotals, std::less<>> CatalogService::usage_totals() {
  bool cached;
  {
    std::lock_guard lock(impl_->usage_mutex);
    cached = impl_->stored_totals.has_value();
  }
  if (!cached) {
    auto totals = impl_->records.usage_totals();
    std::lock_guard lock(impl_->usage_mutex);
    if (!impl_->stored_totals) impl_->stored_totals = std::move(totals);
  }
  std::lock_guard lock(impl_->usage_mutex);
  auto out = *impl_->stored_totals;
  for (const auto& [key, n] : impl_->pending_usage)
    add_kind(out[std::get<0>(key)], std::get<2>(key), n);
  return out;
}

storage::UsageTotals CatalogService::usage(std::string_view dataset_id) {
  auto totals = usage_totals();
  auto it = totals.find(dataset_id);
  return it == totals.end() ? storage::UsageTotals{} : it->second;
}

std::vector<std::pair<std::string, storage::UsageTotals>> CatalogService::usage_daily(
    std::string_view dataset_id, std::size_t days) {
  std::map<std::string, storage::UsageTotals> by_day;
  for (auto& [day, t] : impl_->records.usage_daily(dataset_id, days)) by_day[day] = t;
  {
    std::lock_guard lock(impl_->usage_mutex);
    for (const auto& [key, n] : impl_->pending_usage)
      if (std::get<0>(key) == dataset_id) add_kind(by_day[std::get<1>(key)], std::get<2>(key), n);
  }
  std::vector<std::pair<std::string, storage::UsageTotals>> out(by_day.begin(), by_day.end());
  if (out.size() > days) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(days));
  return out;
}

std::map<std::pair<std::string, std::string>, std::int64_t> CatalogService::used_together() {
  auto out = impl_->records.used_together();
  std::lock_guard lock(impl_->usage_mutex);
  for (const auto& [p, n] : impl_->pending_pairs) out[p] += n;
  return out;
}

}  // namespace shikong::catalog
