// `shikong user ...` and `shikong key ...`: accounts and API keys of a data directory, managed
// at a terminal through the security engine (so the same rules and audit apply as over HTTP).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "security/security.hpp"

namespace shikong::app {
namespace {

// The operator at the terminal acts as an admin; the audit log names them "cli".
security::Principal cli_principal() {
  security::Principal p;
  p.user = "cli";
  p.role = security::Role::admin;
  p.method = security::AuthMethod::session;
  return p;
}

constexpr const char* cli_ip = "";

struct Engine {
  std::unique_ptr<storage::AccountStore> store;
  std::unique_ptr<security::SecurityService> service;
};

Engine open_engine(const Config& config) {
  Engine e;
  e.store = open_account_store(config);
  e.service = std::make_unique<security::SecurityService>(*e.store, security_settings(config),
                                                          security_clock(config));
  return e;
}

// Terminal echo off while a password is typed (a pipe has no echo to turn off).
class NoEcho {
 public:
  NoEcho() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    std::fputs("password: ", stderr);
  }
  ~NoEcho() {
    if (!active_) return;
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    std::fputs("\n", stderr);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

// One line from standard input, without its line ending; the secret is never echoed.
std::string read_password_line() {
  std::string line;
  NoEcho no_echo;
  if (!std::getline(std::cin, line) && line.empty())
    throw InvalidInput("missing-password", "no password was given on standard input",
                       "--password-stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string password_from(const Args& args) {
  if (args.has("--password") && args.has("--password-stdin"))
    throw InvalidInput("invalid-option", "give either --password or --password-stdin",
                       "--password");
  if (args.has("--password")) return args.get("--password");
  return read_password_line();  // --password-stdin, or nothing given: stdin as well
}

std::string one_name(const Args& args, const char* what) {
  if (args.positionals().size() != 1)
    throw InvalidInput("missing-user", std::string(what) + " takes one user name", "NAME");
  return args.positionals()[0];
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

std::string time_or_dash(Instant t) {
  return t.micros == 0 ? "-" : datum::format_rfc3339(t);
}

int user_add(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {"--role", "--password", "--display-name", "--email", "--group"},
            {"--admin", "--password-stdin"});
  security::NewUser user;
  user.name = one_name(args, "user add");
  if (args.has("--admin") && args.has("--role") && args.get("--role") != "admin")
    throw InvalidInput("invalid-option", "give either --admin or --role", "--role");
  std::string role = args.has("--admin") ? "admin" : args.get("--role", "user");
  auto parsed = security::role_from_string(role);
  if (!parsed)
    throw InvalidInput("invalid-role", "--role takes user, publisher, reviewer or admin", "--role");
  user.role = *parsed;
  user.display_name = args.get("--display-name");
  user.email = args.get("--email");
  user.groups = args.get_all("--group");
  user.password = password_from(args);
  auto engine = open_engine(config);
  auto created = engine.service->register_user(cli_principal(), user, cli_ip);
  std::fprintf(stderr, "created user %s (%s)\n", created.name.c_str(), created.role.c_str());
  return 0;
}

int user_list(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {}, {});
  auto engine = open_engine(config);
  auto users = engine.service->list_users(cli_principal());
  std::printf("%-24s %-10s %-9s %-26s %s\n", "NAME", "ROLE", "DISABLED", "LAST LOGIN", "GROUPS");
  for (const auto& u : users)
    std::printf("%-24s %-10s %-9s %-26s %s\n", u.name.c_str(), u.role.c_str(),
                u.disabled ? "yes" : "no", time_or_dash(u.last_login).c_str(),
                join(u.groups).c_str());
  return 0;
}

int user_passwd(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {"--password"}, {"--password-stdin"});
  auto name = one_name(args, "user passwd");
  auto password = password_from(args);
  auto engine = open_engine(config);
  engine.service->reset_password(cli_principal(), name, password, cli_ip);
  std::fprintf(stderr, "password of %s changed; its sessions are ended\n", name.c_str());
  return 0;
}

int user_delete(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {}, {});
  auto name = one_name(args, "user delete");
  auto engine = open_engine(config);
  engine.service->delete_user(cli_principal(), name, cli_ip);
  std::fprintf(stderr, "deleted user %s\n", name.c_str());
  return 0;
}

std::map<std::string, std::int64_t> parse_quotas(const std::vector<std::string>& items) {
  std::map<std::string, std::int64_t> out;
  for (const auto& q : items) {
    auto eq = q.find('=');
    std::int64_t n = -1;
    if (eq != std::string::npos && eq > 0 && eq + 1 < q.size()) {
      try {
        std::size_t used = 0;
        n = std::stoll(q.substr(eq + 1), &used);
        if (used != q.size() - eq - 1) n = -1;
      } catch (const std::exception&) {
        n = -1;
      }
    }
    if (n < 0)
      throw InvalidInput("invalid-quota",
                         "--quota takes SERVICE=N with N a whole number of requests a day",
                         "--quota");
    out[q.substr(0, eq)] = n;
  }
  return out;
}

int key_add(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {"--user", "--name", "--referer", "--ip", "--quota", "--expires"},
            {"--disabled"});
  if (!args.positionals().empty())
    throw InvalidInput("unexpected-argument", "key add takes only options", "--user");
  if (!args.has("--user"))
    throw InvalidInput("missing-user", "key add needs --user NAME (the key's owner)", "--user");
  security::KeySpec spec;
  spec.owner = args.get("--user");
  spec.name = args.get("--name");
  spec.referers = args.get_all("--referer");
  spec.ips = args.get_all("--ip");
  spec.quotas = parse_quotas(args.get_all("--quota"));
  spec.disabled = args.has("--disabled");
  if (args.has("--expires")) {
    auto t = datum::parse_time(args.get("--expires"), {.allow_unix = false});
    if (!t)
      throw InvalidInput("invalid-expires", "--expires takes a date or an RFC 3339 time",
                         "--expires");
    spec.expires = t->instant;
  }
  auto engine = open_engine(config);
  auto created = engine.service->create_key(cli_principal(), spec, cli_ip);
  // The only time the secret is shown: stdout holds it alone, the rest goes to stderr.
  std::printf("%s\n", created.secret.c_str());
  std::fprintf(stderr, "created key %s for %s\n", created.record.id.c_str(),
               created.record.owner.c_str());
  return 0;
}

std::string quotas_text(const std::map<std::string, std::int64_t>& quotas) {
  std::string out;
  for (const auto& [service, n] : quotas)
    out += (out.empty() ? "" : ",") + service + "=" + std::to_string(n);
  return out.empty() ? "-" : out;
}

int key_list(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {"--user"}, {});
  auto engine = open_engine(config);
  auto keys = engine.service->list_keys(cli_principal(), true);
  const std::string owner = args.get("--user");
  std::printf("%-14s %-20s %-20s %-9s %-26s %-26s %s\n", "ID", "OWNER", "NAME", "DISABLED",
              "EXPIRES", "LAST USED", "REFERERS / IPS / QUOTAS");
  for (const auto& k : keys) {
    if (!owner.empty() && k.owner != owner) continue;
    std::printf("%-14s %-20s %-20s %-9s %-26s %-26s %s / %s / %s\n", k.id.c_str(), k.owner.c_str(),
                k.name.empty() ? "-" : k.name.c_str(), k.disabled ? "yes" : "no",
                k.expires ? time_or_dash(*k.expires).c_str() : "never",
                time_or_dash(k.last_used).c_str(), join(k.referers).c_str(), join(k.ips).c_str(),
                quotas_text(k.quotas).c_str());
  }
  return 0;
}

std::vector<std::string> tail(const std::vector<std::string>& args) {
  return {args.begin() + 1, args.end()};
}

}  // namespace

int run_user(CommandLine& cl) {
  const auto& a = cl.args;
  const std::string action = a.empty() ? "" : a[0];
  if (action == "add") return user_add(cl.config, tail(a));
  if (action == "list") return user_list(cl.config, tail(a));
  if (action == "passwd") return user_passwd(cl.config, tail(a));
  if (action == "delete") return user_delete(cl.config, tail(a));
  throw InvalidInput("unknown-action", "user takes add, list, passwd or delete", "user");
}

int run_key(CommandLine& cl) {
  const auto& a = cl.args;
  const std::string action = a.empty() ? "" : a[0];
  if (action == "add") return key_add(cl.config, tail(a));
  if (action == "list") return key_list(cl.config, tail(a));
  throw InvalidInput("unknown-action", "key takes add or list", "key");
}

}  // namespace shikong::app
