// TLS sessions on memory BIOs, with the host process's OpenSSL (see tls.h).
// Everything OpenSSL is called through the table below: a macro of the
// headers that expands to a direct call would bind to the library at link
// time, which the win32 build (no OpenSSL import library) refuses and the
// Linux prebuild check reports.
#include "tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>

namespace iocptcp {
namespace {

#define IOCP_TCP_OPENSSL_FUNCTIONS(X)                                                                     \
  X(TLS_server_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl) X(SSL_CTX_set_options)             \
  X(SSL_CTX_use_certificate) X(SSL_CTX_use_PrivateKey) X(SSL_CTX_check_private_key)                      \
  X(BIO_new_mem_buf) X(BIO_new) X(BIO_s_mem) X(BIO_free) X(BIO_read) X(BIO_write) X(BIO_ctrl)             \
  X(PEM_read_bio_X509) X(PEM_read_bio_PrivateKey) X(X509_free) X(EVP_PKEY_free)                          \
  X(ERR_get_error) X(ERR_peek_last_error) X(ERR_error_string_n) X(ERR_clear_error) X(OpenSSL_version_num)  \
  X(OPENSSL_thread_stop)                                                                                 \
  X(SSL_new) X(SSL_free) X(SSL_set_bio) X(SSL_set_accept_state) X(SSL_read_ex) X(SSL_write_ex)           \
  X(SSL_get_error) X(SSL_shutdown) X(SSL_is_init_finished) X(SSL_get_version) X(SSL_get_current_cipher) \
  X(SSL_CIPHER_get_name) X(SSL_get_servername) X(SSL_CTX_set_cipher_list) X(SSL_CTX_set_ciphersuites)       \
  X(SSL_CTX_set_alpn_select_cb) X(SSL_select_next_proto) X(SSL_get0_alpn_selected)                          \
  X(SSL_CTX_set_verify) X(SSL_get_verify_mode) X(SSL_CTX_get_cert_store) X(X509_STORE_add_cert) X(SSL_CTX_add_client_CA)           \
  X(SSL_get_verify_result) X(X509_verify_cert_error_string) X(SSL_get1_peer_certificate)                    \
  X(X509_get_subject_name) X(X509_get_issuer_name) X(X509_NAME_oneline) X(X509_get0_notAfter)              \
  X(ASN1_TIME_to_tm) X(X509_digest) X(EVP_sha256) X(SSL_CTX_callback_ctrl) X(SSL_set_SSL_CTX) X(SSL_get_SSL_CTX) X(SSL_CTX_get0_certificate)             \
  X(d2i_PKCS12_bio) X(PKCS12_parse) X(PKCS12_free) X(OPENSSL_sk_pop) X(OPENSSL_sk_free)

struct OpenSsl {
#define IOCP_TCP_DECLARE(name) decltype(&::name) name = nullptr;
  IOCP_TCP_OPENSSL_FUNCTIONS(IOCP_TCP_DECLARE)
#undef IOCP_TCP_DECLARE
};

void* FindInProcess(const char* name) {
#ifdef _WIN32
  // node.exe exports OpenSSL for addons.
  return reinterpret_cast<void*>(reinterpret_cast<void (*)()>(GetProcAddress(GetModuleHandleW(nullptr), name)));
#else
  return dlsym(RTLD_DEFAULT, name);
#endif
}

// The table, filled on first use; with `problem` set (and unusable) when the
// process has no OpenSSL 3: a function missing, or an older version.
struct Library {
  OpenSsl table;
  std::string problem;

  Library() {
#define IOCP_TCP_RESOLVE(name)                                                                  \
  if (problem.empty()) {                                                                        \
    void* found = FindInProcess(#name);                                                         \
    if (found == nullptr) problem = #name " is missing";                                        \
    table.name = reinterpret_cast<decltype(table.name)>(reinterpret_cast<void (*)()>(found));   \
  }
    IOCP_TCP_OPENSSL_FUNCTIONS(IOCP_TCP_RESOLVE)
#undef IOCP_TCP_RESOLVE
    // OpenSSL 1.1 has these names too, with a different ABI behind some.
    if (problem.empty() && table.OpenSSL_version_num() < 0x30000000UL) problem = "it has OpenSSL 1.x";
  }
};

const Library& TheLibrary() {
  static const Library library;  // C++11: initialised once, safely, on first use
  return library;
}

// Only once TlsContext::Create has found the library whole.
const OpenSsl& Ssl() { return TheLibrary().table; }

// OpenSSL's text for the oldest error on this thread's queue (and clears it).
std::string TakeError(const char* fallback) {
  unsigned long code = Ssl().ERR_get_error();
  Ssl().ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  Ssl().ERR_error_string_n(code, text, sizeof text);
  return text;
}

bool Fail(std::string* error, const std::string& text) {
  *error = text;
  return false;
}

// Calls `use` with each PEM certificate in `pem`, in order, until it returns
// false (it owns the certificate it gets); false if there was none, or `use` said stop.
template <typename Use>
bool ForEachCertificate(const std::string& pem, Use use) {
  const OpenSsl& ssl = Ssl();
  BIO* bio = ssl.BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return false;
  int count = 0;
  bool stopped = false;
  while (X509* cert = ssl.PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    ++count;
    if (!use(cert, count == 1)) {
      stopped = true;
      break;
    }
  }
  // The end of the text reads as "no start line"; any other error is a
  // certificate that did not parse, which must not pass for the chain's end.
  bool clean_end = stopped || ERR_GET_REASON(ssl.ERR_peek_last_error()) == PEM_R_NO_START_LINE;
  ssl.ERR_clear_error();
  ssl.BIO_free(bio);
  return count > 0 && !stopped && clean_end;
}

// The first certificate in `pem` is the server's, the rest its chain.
bool UseCertificates(SSL_CTX* ctx, const std::string& pem, std::string* error) {
  const OpenSsl& ssl = Ssl();
  std::string problem;
  bool ok = ForEachCertificate(pem, [&](X509* cert, bool first) {
    if (first) {
      if (ssl.SSL_CTX_use_certificate(ctx, cert) != 1) problem = "cert: " + TakeError("refused");
      ssl.X509_free(cert);
    } else if (ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, cert) != 1) {  // which then owns it
      problem = "cert: chain certificate refused: " + TakeError("refused");
      ssl.X509_free(cert);
    }
    return problem.empty();
  });
  if (ok) return true;
  return Fail(error, problem.empty() ? "cert: no PEM certificate" : problem);
}

// Client certificates must chain to one of these; their names go in the
// certificate request, so a client with several knows which to send.
bool TrustClientCertificates(SSL_CTX* ctx, const std::string& pem, std::string* error) {
  const OpenSsl& ssl = Ssl();
  X509_STORE* store = ssl.SSL_CTX_get_cert_store(ctx);
  std::string problem;
  bool ok = ForEachCertificate(pem, [&](X509* cert, bool) {
    if (ssl.X509_STORE_add_cert(store, cert) != 1 || ssl.SSL_CTX_add_client_CA(ctx, cert) != 1) {
      problem = "ca: certificate refused: " + TakeError("refused");
    }
    ssl.X509_free(cert);  // both took references of their own
    return problem.empty();
  });
  if (ok) return true;
  return Fail(error, problem.empty() ? "ca: no PEM certificate" : problem);
}

int AcceptAnyClientCertificate(int, X509_STORE_CTX*) { return 1; }  // rejectUnauthorized false: JS decides

// Picks the first of the server's protocols that the client offers.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* offered,
               unsigned int offered_length, void* arg) {
  const auto* wire = static_cast<const std::string*>(arg);
  unsigned char* chosen = nullptr;
  unsigned char chosen_length = 0;
  if (Ssl().SSL_select_next_proto(&chosen, &chosen_length, reinterpret_cast<const unsigned char*>(wire->data()),
                                  static_cast<unsigned int>(wire->size()), offered, offered_length) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;  // no protocol in common: no_application_protocol, as node:tls
  }
  *out = chosen;
  *out_length = chosen_length;
  return SSL_TLSEXT_ERR_OK;
}

long VersionNumber(const std::string& name) { return name == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION; }


bool UseKey(SSL_CTX* ctx, const TlsCredentials& options, std::string* error) {
  const OpenSsl& ssl = Ssl();
  BIO* bio = ssl.BIO_new_mem_buf(options.key_pem.data(), static_cast<int>(options.key_pem.size()));
  if (bio == nullptr) return Fail(error, TakeError("out of memory"));
  // With no callback, OpenSSL takes the last argument as the passphrase.
  EVP_PKEY* key = ssl.PEM_read_bio_PrivateKey(bio, nullptr, nullptr, const_cast<char*>(options.passphrase.c_str()));
  ssl.BIO_free(bio);
  if (key == nullptr) {
    bool encrypted = options.key_pem.find("ENCRYPTED") != std::string::npos;
    return Fail(error, "key: " + TakeError("no PEM private key") + (encrypted ? " (a wrong passphrase?)" : ""));
  }
  bool ok = ssl.SSL_CTX_use_PrivateKey(ctx, key) == 1;
  ssl.EVP_PKEY_free(key);
  if (!ok) return Fail(error, "key: " + TakeError("refused"));
  if (ssl.SSL_CTX_check_private_key(ctx) != 1) return Fail(error, "key: does not match the certificate (" + TakeError("mismatch") + ")");
  return true;
}

// node:tls's names of the verification errors a client certificate most often meets.
std::string VerifyErrorName(long code) {
  switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "UNABLE_TO_GET_ISSUER_CERT";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "SELF_SIGNED_CERT_IN_CHAIN";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "CERT_HAS_EXPIRED";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "CERT_NOT_YET_VALID";
    case X509_V_ERR_CERT_REVOKED: return "CERT_REVOKED";
    case X509_V_ERR_INVALID_PURPOSE: return "INVALID_PURPOSE";
    case X509_V_ERR_CERT_UNTRUSTED: return "CERT_UNTRUSTED";
    case X509_V_ERR_CERT_REJECTED: return "CERT_REJECTED";
    default: return Ssl().X509_verify_cert_error_string(code);
  }
}

// Days from 1970-01-01 to a civil date (proleptic Gregorian): timegm without the platform's.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t year_of_era = year - era * 400;
  int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// When a certificate expires, in Unix seconds (0 if OpenSSL cannot say).
int64_t NotAfterSeconds(const X509* cert) {
  std::tm not_after{};
  if (Ssl().ASN1_TIME_to_tm(Ssl().X509_get0_notAfter(cert), &not_after) != 1) return 0;
  return DaysFromCivil(not_after.tm_year + 1900, not_after.tm_mon + 1, not_after.tm_mday) * 86400 +
         not_after.tm_hour * 3600 + not_after.tm_min * 60 + not_after.tm_sec;
}

// subject, issuer, notAfter and fingerprint of a client certificate, one a line.
std::string DescribeCertificate(X509* cert) {
  const OpenSsl& ssl = Ssl();
  char subject[256] = "", issuer[256] = "";
  ssl.X509_NAME_oneline(ssl.X509_get_subject_name(cert), subject, sizeof subject);
  ssl.X509_NAME_oneline(ssl.X509_get_issuer_name(cert), issuer, sizeof issuer);
  int64_t not_after_s = NotAfterSeconds(cert);
  unsigned char digest[32];
  unsigned int digest_length = 0;
  std::string fingerprint;
  if (ssl.X509_digest(cert, ssl.EVP_sha256(), digest, &digest_length) == 1) {
    static const char kHex[] = "0123456789ABCDEF";
    for (unsigned int i = 0; i < digest_length; ++i) {
      if (i > 0) fingerprint += ':';
      fingerprint += kHex[digest[i] >> 4];
      fingerprint += kHex[digest[i] & 15];
    }
  }
  return std::string(subject) + "\n" + issuer + "\n" + std::to_string(not_after_s) + "\n" + fingerprint;
}

// A PKCS#12 file's key, certificate and chain.
bool UsePfx(SSL_CTX* ctx, const TlsCredentials& credentials, std::string* error) {
  const OpenSsl& ssl = Ssl();
  BIO* bio = ssl.BIO_new_mem_buf(credentials.pfx.data(), static_cast<int>(credentials.pfx.size()));
  if (bio == nullptr) return Fail(error, TakeError("out of memory"));
  PKCS12* p12 = ssl.d2i_PKCS12_bio(bio, nullptr);
  ssl.BIO_free(bio);
  if (p12 == nullptr) return Fail(error, "pfx: not PKCS#12 (" + TakeError("unreadable") + ")");
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  bool parsed = ssl.PKCS12_parse(p12, credentials.passphrase.c_str(), &key, &cert, &chain) == 1;
  ssl.PKCS12_free(p12);
  std::string problem;
  if (!parsed || key == nullptr || cert == nullptr) {
    problem = "pfx: " + TakeError("no key and certificate in it") + " (a wrong passphrase?)";
  } else if (ssl.SSL_CTX_use_certificate(ctx, cert) != 1 || ssl.SSL_CTX_use_PrivateKey(ctx, key) != 1) {
    problem = "pfx: " + TakeError("refused");
  }
  // The chain, each certificate handed over (the context then owns it) or freed.
  while (chain != nullptr) {
    auto* link = static_cast<X509*>(ssl.OPENSSL_sk_pop(reinterpret_cast<OPENSSL_STACK*>(chain)));
    if (link == nullptr) break;
    if (!problem.empty() || ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, link) != 1) ssl.X509_free(link);
  }
  if (chain != nullptr) ssl.OPENSSL_sk_free(reinterpret_cast<OPENSSL_STACK*>(chain));
  if (cert != nullptr) ssl.X509_free(cert);
  if (key != nullptr) ssl.EVP_PKEY_free(key);
  return problem.empty() || Fail(error, problem);
}

bool UseCredentials(SSL_CTX* ctx, const TlsCredentials& credentials, std::string* error) {
  if (!credentials.pfx.empty()) return UsePfx(ctx, credentials, error);
  return UseCertificates(ctx, credentials.cert_pem, error) && UseKey(ctx, credentials, error);
}

// node:tls's rule: an exact name, or "*.example.com" for one label before it.
bool ServernameMatches(const std::string& pattern, const char* name) {
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::string host = lower(name);
  std::string want = lower(pattern);
  if (want.rfind("*.", 0) != 0) return host == want;
  size_t dot = host.find('.');
  return dot != std::string::npos && dot > 0 && host.compare(dot, std::string::npos, want, 1, std::string::npos) == 0;
}

// The server name callback: the context of the first pattern the client's
// SNI matches; the default certificate when none does (or no name came).
int ChooseBySni(SSL* s, int*, void* arg) {
  const char* name = Ssl().SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr) return SSL_TLSEXT_ERR_OK;
  auto* chosen = static_cast<SSL_CTX*>(static_cast<const TlsContext*>(arg)->SslCtxFor(name));
  if (chosen != Ssl().SSL_get_SSL_CTX(s)) Ssl().SSL_set_SSL_CTX(s, chosen);
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::Create(const TlsOptions& options, std::string* error) {
  if (!TheLibrary().problem.empty()) {
    *error = "TLS needs the OpenSSL 3 of the Node process, which this runtime does not offer (" + TheLibrary().problem + ")";
    return nullptr;
  }
  const OpenSsl& ssl = Ssl();
  ssl.ERR_clear_error();
  std::shared_ptr<TlsContext> context(new TlsContext());
  SSL_CTX* ctx = ssl.SSL_CTX_new(ssl.TLS_server_method());
  if (ctx == nullptr) {
    *error = TakeError("SSL_CTX_new failed");
    return nullptr;
  }
  context->ctx_ = ctx;
  context->handshake_timeout_ms_ = options.handshake_timeout_ms;
  ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, VersionNumber(options.min_version), nullptr);
  ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, VersionNumber(options.max_version), nullptr);
  if (!options.ciphers.empty() && ssl.SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
    *error = "ciphers: " + TakeError("no cipher in the list");
    return nullptr;
  }
  if (!options.ciphersuites.empty() && ssl.SSL_CTX_set_ciphersuites(ctx, options.ciphersuites.c_str()) != 1) {
    *error = "ciphersuites: " + TakeError("no suite in the list");
    return nullptr;
  }
  for (const std::string& protocol : options.alpn) {
    context->alpn_wire_ += static_cast<char>(protocol.size());  // 1 to 255 bytes, checked in JS
    context->alpn_wire_ += protocol;
  }
  if (!context->alpn_wire_.empty()) ssl.SSL_CTX_set_alpn_select_cb(ctx, SelectAlpn, &context->alpn_wire_);
  if (options.request_cert) {
    if (!options.ca_pem.empty() && !TrustClientCertificates(ctx, options.ca_pem, error)) return nullptr;
    if (options.reject_unauthorized) {
      ssl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    } else {
      ssl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyClientCertificate);
    }
  }
  // Renegotiation is a denial-of-service lever and no client needs it; an
  // idle connection gives its record buffers back (more connections per MB).
  ssl.SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, nullptr);
  // Resumption by tickets only: a server-side session cache would be memory
  // outside the buffer budget, and a lock shared by every I/O thread.
  ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF, nullptr);
  if (!UseCredentials(ctx, options.credentials, error)) return nullptr;
  context->not_after_s_ = NotAfterSeconds(ssl.SSL_CTX_get0_certificate(ctx));
  for (const auto& [servername, credentials] : options.by_servername) {
    TlsOptions same = options;
    same.credentials = credentials;
    same.by_servername.clear();
    std::shared_ptr<TlsContext> named = Create(same, error);
    if (!named) {
      *error = "SNI " + servername + ": " + *error;
      return nullptr;
    }
    context->by_servername_.emplace_back(servername, std::move(named));
  }
  if (!context->by_servername_.empty()) {
    ssl.SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, reinterpret_cast<void (*)()>(ChooseBySni));
    ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, context.get());
  }
  return context;
}


void* TlsContext::SslCtxFor(const char* name) const {
  for (const auto& [pattern, named] : by_servername_) {
    if (ServernameMatches(pattern, name)) return named->ctx_;
  }
  return ctx_;
}

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) Ssl().SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

std::unique_ptr<TlsSession> TlsSession::New(const TlsContext& context) {
  const OpenSsl& ssl = Ssl();
  std::unique_ptr<TlsSession> session(new TlsSession());
  SSL* s = ssl.SSL_new(static_cast<SSL_CTX*>(context.ctx_));
  BIO* input = ssl.BIO_new(ssl.BIO_s_mem());
  BIO* output = ssl.BIO_new(ssl.BIO_s_mem());
  if (s == nullptr || input == nullptr || output == nullptr) {
    if (s != nullptr) ssl.SSL_free(s);
    if (input != nullptr) ssl.BIO_free(input);
    if (output != nullptr) ssl.BIO_free(output);
    ssl.ERR_clear_error();
    return nullptr;
  }
  ssl.SSL_set_bio(s, input, output);  // the session owns both now
  ssl.SSL_set_accept_state(s);
  session->ssl_ = s;
  session->input_ = input;
  session->output_ = output;
  return session;
}

TlsSession::~TlsSession() {
  if (ssl_ != nullptr) Ssl().SSL_free(static_cast<SSL*>(ssl_));
}

bool TlsSession::Feed(const char* data, size_t len) {
  if (Ssl().BIO_write(static_cast<BIO*>(input_), data, static_cast<int>(len)) == static_cast<int>(len)) return true;
  NoteFailure();  // out of memory
  return false;
}

long TlsSession::Read(char* out, size_t capacity) {
  const OpenSsl& ssl = Ssl();
  SSL* s = static_cast<SSL*>(ssl_);
  ssl.ERR_clear_error();
  size_t n = 0;
  int rc = ssl.SSL_read_ex(s, out, capacity, &n);
  handshake_done_ = handshake_done_ || ssl.SSL_is_init_finished(s) == 1;
  if (rc == 1) return static_cast<long>(n);
  switch (ssl.SSL_get_error(s, rc)) {
    case SSL_ERROR_WANT_READ:
      return kNeedInput;
    case SSL_ERROR_ZERO_RETURN:
      return kPeerClosed;
    default:
      NoteFailure();
      return kFailed;
  }
}

bool TlsSession::Write(const char* data, size_t len) {
  const OpenSsl& ssl = Ssl();
  ssl.ERR_clear_error();
  size_t written = 0;
  // Into a memory BIO a write after the handshake takes everything at once
  // (the engine writes a record's worth at a time, so the BIO stays small).
  if (ssl.SSL_write_ex(static_cast<SSL*>(ssl_), data, len, &written) == 1 && written == len) return true;
  NoteFailure();
  return false;
}

void TlsSession::Shutdown() {
  Ssl().ERR_clear_error();
  Ssl().SSL_shutdown(static_cast<SSL*>(ssl_));  // queues close_notify; the peer's reply is not awaited
  Ssl().ERR_clear_error();
}

size_t TlsSession::OutputSize() const {
  return static_cast<size_t>(Ssl().BIO_ctrl(static_cast<BIO*>(output_), BIO_CTRL_PENDING, 0, nullptr));
}

size_t TlsSession::TakeOutput(char* out, size_t capacity) {
  int n = Ssl().BIO_read(static_cast<BIO*>(output_), out, static_cast<int>(capacity));
  return n > 0 ? static_cast<size_t>(n) : 0;
}


std::string TlsSession::Protocol() const { return Ssl().SSL_get_version(static_cast<SSL*>(ssl_)); }

std::string TlsSession::Describe() const {
  const OpenSsl& ssl = Ssl();
  SSL* s = static_cast<SSL*>(ssl_);
  const char* cipher = ssl.SSL_CIPHER_get_name(ssl.SSL_get_current_cipher(s));
  const char* servername = ssl.SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
  // A host name with a control character is no host name (and would break these lines).
  if (servername != nullptr && std::any_of(servername, servername + std::strlen(servername), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    servername = nullptr;
  }
  const unsigned char* alpn = nullptr;
  unsigned int alpn_length = 0;
  ssl.SSL_get0_alpn_selected(s, &alpn, &alpn_length);
  std::string text = Protocol() + "\n" + (cipher ? cipher : "") + "\n" + (servername ? servername : "") + "\n" +
                     std::string(reinterpret_cast<const char*>(alpn), alpn_length);
  if (!AsksForCertificate()) return text;
  X509* peer = ssl.SSL_get1_peer_certificate(s);
  if (peer == nullptr) return text + "\nNO_PEER_CERTIFICATE";
  long verified = ssl.SSL_get_verify_result(s);
  text += "\n" + (verified == X509_V_OK ? std::string() : VerifyErrorName(verified)) + "\n" + DescribeCertificate(peer);
  ssl.X509_free(peer);
  return text;
}

bool TlsSession::AsksForCertificate() const {
  return (Ssl().SSL_get_verify_mode(static_cast<SSL*>(ssl_)) & SSL_VERIFY_PEER) != 0;
}

bool TlsSession::CertificateRefused() const {
  if (!AsksForCertificate()) return false;
  const OpenSsl& ssl = Ssl();
  SSL* s = static_cast<SSL*>(ssl_);
  X509* peer = ssl.SSL_get1_peer_certificate(s);
  if (peer == nullptr) return true;
  ssl.X509_free(peer);
  return ssl.SSL_get_verify_result(s) != X509_V_OK;
}

void TlsSession::NoteFailure() {
  if (error_.empty()) error_ = TakeError("TLS protocol error");
}

}  // namespace iocptcp

namespace iocptcp {

void ReleaseTlsThreadState() {
  if (TheLibrary().problem.empty()) Ssl().OPENSSL_thread_stop();
}

}  // namespace iocptcp
