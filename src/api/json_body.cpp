// JSON object bodies checked member by member, so a typo or a wrong type answers 400 with the
// member's name instead of being ignored.
#include "api/json_body.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"

namespace shikong::api {

namespace {

std::string excerpt(std::string_view s) {
  return s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

[[noreturn]] void bad(std::string_view name, std::string detail) {
  throw InvalidInput("invalid-parameter-value", std::move(detail), std::string(name));
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  const std::string m = lower(t);
  return m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"));
}

struct JsonBody::Impl {
  simdjson::dom::parser parser;
  std::map<std::string, simdjson::dom::element, std::less<>> members;

  const simdjson::dom::element* find(std::string_view name) const {
    auto it = members.find(name);
    return it == members.end() ? nullptr : &it->second;
  }
};

JsonBody::JsonBody(const protocol::Request& req, std::initializer_list<std::string_view> known)
    : impl_(std::make_unique<Impl>()) {
  if (!is_json_media_type(req.header("Content-Type").value_or("")))
    throw Unsupported("unsupported-media-type", "send the body as application/json",
                      "Content-Type");
  simdjson::dom::element doc;
  if (impl_->parser.parse(req.body).get(doc) != simdjson::SUCCESS)
    throw InvalidInput("invalid-json", "the body is not valid JSON", "body");
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS)
    throw InvalidInput("invalid-body", "the body must be a JSON object", "body");
  for (auto member : obj) {
    bool ok = false;
    for (auto k : known) ok = ok || k == member.key;
    const std::string key(member.key);
    if (!ok)
      throw InvalidInput("unknown-parameter",
                         fmt::format("'{}' is not a member of this operation's body", excerpt(key)),
                         key);
    if (!impl_->members.emplace(key, member.value).second)
      throw InvalidInput("duplicate-parameter", fmt::format("'{}' is given twice", key), key);
  }
}

JsonBody::~JsonBody() = default;

bool JsonBody::has(std::string_view name) const {
  return impl_->find(name) != nullptr;
}

bool JsonBody::is_null(std::string_view name) const {
  const auto* e = impl_->find(name);
  return e && e->is_null();
}

std::optional<std::string> JsonBody::string(std::string_view name, std::size_t max_bytes) const {
  const auto* e = impl_->find(name);
  if (!e) return std::nullopt;
  std::string_view v;
  if (e->get_string().get(v) != simdjson::SUCCESS)
    bad(name, fmt::format("{} must be a string", name));
  if (v.size() > max_bytes) bad(name, fmt::format("{} is longer than {} bytes", name, max_bytes));
  return std::string(v);
}

std::string JsonBody::required_string(std::string_view name, std::size_t max_bytes) const {
  auto v = string(name, max_bytes);
  if (!v)
    throw InvalidInput("missing-parameter", fmt::format("the body needs {}", name),
                       std::string(name));
  return std::move(*v);
}

std::optional<bool> JsonBody::boolean(std::string_view name) const {
  const auto* e = impl_->find(name);
  if (!e) return std::nullopt;
  bool v = false;
  if (e->get_bool().get(v) != simdjson::SUCCESS)
    bad(name, fmt::format("{} must be true or false", name));
  return v;
}

std::optional<std::int64_t> JsonBody::integer(std::string_view name, std::int64_t min,
                                              std::int64_t max) const {
  const auto* e = impl_->find(name);
  if (!e) return std::nullopt;
  std::int64_t v = 0;
  if (e->get_int64().get(v) != simdjson::SUCCESS)
    bad(name, fmt::format("{} must be an integer", name));
  if (v < min || v > max) bad(name, fmt::format("{} must be between {} and {}", name, min, max));
  return v;
}

std::optional<std::vector<std::string>> JsonBody::strings(std::string_view name,
                                                          std::size_t max_items,
                                                          std::size_t max_bytes) const {
  const auto* e = impl_->find(name);
  if (!e) return std::nullopt;
  simdjson::dom::array arr;
  if (e->get_array().get(arr) != simdjson::SUCCESS)
    bad(name, fmt::format("{} must be an array of strings", name));
  if (arr.size() > max_items) bad(name, fmt::format("{} has more than {} items", name, max_items));
  std::vector<std::string> out;
  for (auto item : arr) {
    std::string_view v;
    if (item.get_string().get(v) != simdjson::SUCCESS)
      bad(name, fmt::format("{} must be an array of strings", name));
    if (v.size() > max_bytes)
      bad(name, fmt::format("an item of {} is longer than {} bytes", name, max_bytes));
    out.emplace_back(v);
  }
  return out;
}

std::optional<std::map<std::string, std::int64_t>> JsonBody::counts(std::string_view name,
                                                                    std::size_t max_items) const {
  const auto* e = impl_->find(name);
  if (!e) return std::nullopt;
  simdjson::dom::object obj;
  if (e->get_object().get(obj) != simdjson::SUCCESS)
    bad(name, fmt::format("{} must be an object of non-negative integers", name));
  std::map<std::string, std::int64_t> out;
  for (auto m : obj) {
    std::int64_t v = 0;
    if (m.value.get_int64().get(v) != simdjson::SUCCESS || v < 0)
      bad(name, fmt::format("{}.{} must be a non-negative integer", name, excerpt(m.key)));
    if (m.key.size() > 64) bad(name, fmt::format("a member name of {} is too long", name));
    out[std::string(m.key)] = v;
  }
  if (out.size() > max_items)
    bad(name, fmt::format("{} has more than {} members", name, max_items));
  return out;
}

std::optional<std::vector<std::map<std::string, std::string>>> JsonBody::records(
    std::string_view name, std::initializer_list<std::string_view> members, std::size_t max_items,
    std::size_t max_bytes) const {
  const auto* e = impl_->find(name);
  if (!e) return std::nullopt;
  simdjson::dom::array arr;
  if (e->get_array().get(arr) != simdjson::SUCCESS)
    bad(name, fmt::format("{} must be an array of objects", name));
  if (arr.size() > max_items) bad(name, fmt::format("{} has more than {} items", name, max_items));
  std::vector<std::map<std::string, std::string>> out;
  for (auto item : arr) {
    simdjson::dom::object obj;
    if (item.get_object().get(obj) != simdjson::SUCCESS)
      bad(name, fmt::format("{} must be an array of objects", name));
    std::map<std::string, std::string> rec;
    for (auto m : obj) {
      bool ok = false;
      for (auto k : members) ok = ok || k == m.key;
      if (!ok)
        bad(name, fmt::format("'{}' is not a member of an item of {}", excerpt(m.key), name));
      std::string_view v;
      if (m.value.get_string().get(v) != simdjson::SUCCESS)
        bad(name, fmt::format("{}.{} must be a string", name, m.key));
      if (v.size() > max_bytes)
        bad(name, fmt::format("{}.{} is longer than {} bytes", name, m.key, max_bytes));
      rec[std::string(m.key)] = std::string(v);
    }
    for (auto k : members)
      if (!rec.count(std::string(k))) bad(name, fmt::format("every item of {} needs {}", name, k));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace shikong::api
