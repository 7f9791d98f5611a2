// The outbound client over TLS against a loopback server with certificates made here: a
// trusted certificate for "localhost" (put in the verify store through SSL_CERT_FILE, which
// OpenSSL's default paths read), an untrusted one, and a host name that does not match.
#include "http/client.hpp"

// Boost 1.74's asio needs <utility> first under GCC 12.
#include <utility>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.hpp"

namespace shikong::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

std::string drain(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  const int n = BIO_read(bio, out.data(), static_cast<int>(out.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  BIO_free(bio);
  return out;
}

// A self-signed P-256 certificate with the given subjectAltName ("DNS:localhost").
KeyAndCert make_certificate(const char* san, long serial) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("shikong test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(x, key, EVP_sha256());
  KeyAndCert out;
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  out.cert_pem = drain(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = drain(b);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// Made before main(), so that the client's TLS context (made once, at its first https request)
// reads a verify store holding only the trusted certificate.
const KeyAndCert& trusted() {
  static const KeyAndCert c = [] {
    KeyAndCert k = make_certificate("DNS:localhost", 1);
    const auto path = std::filesystem::temp_directory_path() /
                      ("shikong-client-tls-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(path) << k.cert_pem;
    // Removed at exit; the process reads it at its first https request only.
    static const struct Remove {
      std::filesystem::path p;
      ~Remove() {
        std::error_code ec;
        std::filesystem::remove(p, ec);
      }
    } remover{path};
    ::setenv("SSL_CERT_FILE", path.c_str(), 1);
    ::setenv("SSL_CERT_DIR", "/nonexistent", 1);
    return k;
  }();
  return c;
}
const bool kStoreReady = !trusted().cert_pem.empty();

// A TLS server on 127.0.0.1 answering each connection with a fixed body; records the SNI name.
class TlsServer {
 public:
  explicit TlsServer(const KeyAndCert& cert) : ctx_(net::ssl::context::tls_server) {
    ctx_.use_certificate_chain(net::buffer(cert.cert_pem));
    ctx_.use_private_key(net::buffer(cert.key_pem), net::ssl::context::pem);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~TlsServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  int served() const { return served_.load(); }
  std::string sni() {
    std::lock_guard lock(mu_);
    return sni_;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      net::io_context ioc;
      tcp::socket sock(ioc);
      sock.assign(tcp::v4(), c);
      net::ssl::stream<tcp::socket&> tls(sock, ctx_);
      boost::system::error_code ec;
      tls.handshake(net::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused the certificate
      if (const char* name = SSL_get_servername(tls.native_handle(), TLSEXT_NAMETYPE_host_name)) {
        std::lock_guard lock(mu_);
        sni_ = name;
      }
      net::streambuf buf;
      net::read_until(tls, buf, "\r\n\r\n", ec);
      if (ec) continue;
      const std::string body = "secure hello";
      net::write(tls,
                 net::buffer("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                             "\r\n\r\n" + body),
                 ec);
      ++served_;
      tls.shutdown(ec);
    }
  }

  net::ssl::context ctx_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::mutex mu_;
  std::string sni_;
  std::thread thread_;
};

FetchRequest to(const TlsServer& s, std::string_view host) {
  FetchRequest r;
  r.url = "https://" + std::string(host) + ":" + std::to_string(s.port()) + "/secure";
  r.allowed_private_origins = {std::string(host) + ":" + std::to_string(s.port())};
  r.timeout = std::chrono::milliseconds(10000);
  return r;
}

std::string error_code_of(const FetchRequest& r) {
  try {
    fetch(r);
  } catch (const Unavailable& e) {
    return e.code();
  }
  return "";
}

TEST(HttpClientTls, TrustedCertificateForTheHostIsAccepted) {
  ASSERT_TRUE(kStoreReady);
  TlsServer s(trusted());
  const FetchResponse res = fetch(to(s, "localhost"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "secure hello");
  EXPECT_EQ(res.final_url, "https://localhost:" + std::to_string(s.port()) + "/secure");
  EXPECT_EQ(s.sni(), "localhost");
}

TEST(HttpClientTls, CertificateForAnotherNameIsRefused) {
  // The certificate names localhost only; 127.0.0.1 is not in it.
  TlsServer s(trusted());
  EXPECT_EQ(error_code_of(to(s, "127.0.0.1")), "fetch-failed");
  EXPECT_EQ(s.served(), 0);
}

TEST(HttpClientTls, UntrustedCertificateIsRefused) {
  TlsServer s(make_certificate("DNS:localhost", 2));
  EXPECT_EQ(error_code_of(to(s, "localhost")), "fetch-failed");
  EXPECT_EQ(s.served(), 0);
}

}  // namespace
}  // namespace shikong::http
