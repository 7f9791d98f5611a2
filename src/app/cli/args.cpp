// Args: the flag reader the subcommands share.
#include "app/cli/args.hpp"

#include "core/error.hpp"

namespace shikong::app {

Args::Args(const std::vector<std::string>& args, const std::set<std::string>& valued,
           const std::set<std::string>& booleans) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      positionals_.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (valued.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size())
          throw InvalidInput("missing-value", name + " needs a value", name);
        value = args[++i];
      }
      values_[name].push_back(value);
    } else if (booleans.count(name) && !inline_value) {
      values_[name] = {"true"};
    } else {
      throw InvalidInput("unknown-option", "unknown option " + name, name);
    }
  }
}

std::string Args::get(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::get_all(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Args::has(const std::string& flag) const {
  return values_.count(flag) != 0;
}

}  // namespace shikong::app
