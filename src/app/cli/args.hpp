// A small flag reader for subcommands: --name VALUE, --name=VALUE, boolean --flag, positionals;
// a valued flag may repeat (get() gives the last value, get_all() every one in order).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace shikong::app {

class Args {
 public:
  // `valued`: flags that take a value; `booleans`: flags that do not. Anything else starting
  // with '-' is an error naming the flag.
  Args(const std::vector<std::string>& args, const std::set<std::string>& valued,
       const std::set<std::string>& booleans);
  std::string get(const std::string& flag, const std::string& fallback = {}) const;
  std::vector<std::string> get_all(const std::string& flag) const;
  bool has(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

}  // namespace shikong::app
