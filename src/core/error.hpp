// Typed errors thrown where a problem is known and mapped once, at the protocol edge, to the
// standard's error form. `code` and `parameter` are ours; library text never reaches a client.
#pragma once

#include <stdexcept>
#include <string>

namespace shikong {

enum class ErrorKind {
  invalid_input,      // 400: the request or the data is malformed
  not_found,          // 404: unknown or invisible object
  forbidden,          // 403: authenticated but not allowed
  unauthorized,       // 401: credentials missing or wrong
  conflict,           // 409: state does not allow the change
  payload_too_large,  // 413: a size limit was hit
  too_many_requests,  // 429: a rate limit, quota, lockout or ban; see retry_after_s()
  unsupported,        // 415 / 406: media type or format not supported
  unavailable,        // 503: a dependency or the server is not ready
  internal            // 500: a bug or an I/O failure
};

class Error : public std::runtime_error {
 public:
  // `code`: a short machine token ("invalid-bbox"); `detail`: a sentence written by shikong;
  // `parameter`: the request parameter or data field at fault, if any.
  Error(ErrorKind kind, std::string code, std::string detail, std::string parameter = {})
      : std::runtime_error(detail),
        kind_(kind),
        code_(std::move(code)),
        parameter_(std::move(parameter)) {}

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& parameter() const noexcept { return parameter_; }
  std::string detail() const { return what(); }
  // Seconds until a retry can succeed (429 and 503); 0: not known. Sent as Retry-After.
  double retry_after_s() const noexcept { return retry_after_s_; }
  Error& with_retry_after(double seconds) noexcept {
    retry_after_s_ = seconds;
    return *this;
  }

 private:
  ErrorKind kind_;
  std::string code_;
  std::string parameter_;
  double retry_after_s_ = 0;
};

struct InvalidInput : Error {
  InvalidInput(std::string code, std::string detail, std::string parameter = {})
      : Error(ErrorKind::invalid_input, std::move(code), std::move(detail), std::move(parameter)) {}
};
struct NotFound : Error {
  NotFound(std::string code, std::string detail, std::string parameter = {})
      : Error(ErrorKind::not_found, std::move(code), std::move(detail), std::move(parameter)) {}
};
struct Forbidden : Error {
  Forbidden(std::string code, std::string detail)
      : Error(ErrorKind::forbidden, std::move(code), std::move(detail)) {}
};
struct Unauthorized : Error {
  Unauthorized(std::string code, std::string detail)
      : Error(ErrorKind::unauthorized, std::move(code), std::move(detail)) {}
};
struct TooManyRequests : Error {
  TooManyRequests(std::string code, std::string detail, double retry_after_s)
      : Error(ErrorKind::too_many_requests, std::move(code), std::move(detail)) {
    with_retry_after(retry_after_s);
  }
};
struct Conflict : Error {
  Conflict(std::string code, std::string detail)
      : Error(ErrorKind::conflict, std::move(code), std::move(detail)) {}
};
struct PayloadTooLarge : Error {
  PayloadTooLarge(std::string code, std::string detail)
      : Error(ErrorKind::payload_too_large, std::move(code), std::move(detail)) {}
};
struct Unsupported : Error {
  Unsupported(std::string code, std::string detail, std::string parameter = {})
      : Error(ErrorKind::unsupported, std::move(code), std::move(detail), std::move(parameter)) {}
};
struct Unavailable : Error {
  Unavailable(std::string code, std::string detail)
      : Error(ErrorKind::unavailable, std::move(code), std::move(detail)) {}
};
struct InternalError : Error {
  InternalError(std::string code, std::string detail)
      : Error(ErrorKind::internal, std::move(code), std::move(detail)) {}
};

}  // namespace shikong
