// HTTP-shaped request and response values, independent of any server library, so protocol
// adapters (ogc/, api/) can be written and tested without a socket.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shikong::protocol {

// ASCII case-insensitive equality (header names, parameter names, tokens).
bool iequals(std::string_view a, std::string_view b);

// Header names compare case-insensitively.
class Headers {
 public:
  void set(std::string name, std::string value);  // replaces
  void add(std::string name, std::string value);  // appends another line
  void remove(std::string_view name);             // every line of that name
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  std::string method;                                      // "GET", "POST", ...
  std::string target;                                      // as received: path and query
  std::string path;                                        // percent-decoded path
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;                 // small bodies
  std::filesystem::path body_file;  // large bodies (uploads) spooled to a temporary file
  std::uint64_t body_size = 0;
  std::string remote_ip;
  std::string base_url;  // "http://host:port", from Host (or configuration)
  std::map<std::string, std::string, std::less<>> path_params;  // from the route pattern
  // Who is calling, set by the security gate before the handler runs (a security::Principal;
  // read it with api::principal_of). Empty when no gate is installed.
  std::any principal;
  // The route's class (protocol::to_string(RouteClass)) as the security gate saw it, for its
  // `after` step; empty when the gate did not run or skipped the request (health, OPTIONS).
  std::string route_class;

  // Query parameter by exact name (OGC API), or case-insensitive name (OGC KVP).
  std::optional<std::string_view> param(std::string_view name) const;
  std::optional<std::string_view> param_icase(std::string_view name) const;
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::string_view path_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  // Wait this long before sending (a tarpit for refused floods: the connection is held on a
  // timer, costing no CPU, so a banned client's request rate drops to its connections per hold).
  std::chrono::milliseconds hold{0};
  std::string body;
  // When set, the body is produced by repeated calls (sent chunked); each call appends to
  // `chunk` and returns false after the last piece. Runs on a worker thread.
  std::function<bool(std::string& chunk)> stream;
  // When set, the body is this file's content; `delete_file_after` removes it once sent.
  std::filesystem::path file;
  bool delete_file_after = false;

  static Response json(std::string body, int status = 200);
  static Response text(std::string body, std::string content_type, int status = 200);
};

}  // namespace shikong::protocol
