// TLS sessions on memory BIOs, with the host process's OpenSSL (see tls.h).
// Everything OpenSSL is called through the table below: a macro of the
// headers that expands to a direct call would bind to the library at link
// time, which the win32 build (no OpenSSL import library) refuses and the
// Linux prebuild check reports.
#include "tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include <mutex>

namespace iocptcp {
namespace {

#define IOCP_TCP_OPENSSL_FUNCTIONS(X)                                                                     \
  X(TLS_server_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl) X(SSL_CTX_set_options)             \
  X(SSL_CTX_use_certificate) X(SSL_CTX_use_PrivateKey) X(SSL_CTX_check_private_key)                      \
  X(BIO_new_mem_buf) X(BIO_new) X(BIO_s_mem) X(BIO_free) X(BIO_read) X(BIO_write) X(BIO_ctrl)             \
  X(PEM_read_bio_X509) X(PEM_read_bio_PrivateKey) X(X509_free) X(EVP_PKEY_free)                          \
  X(ERR_get_error) X(ERR_error_string_n) X(ERR_clear_error)                                              \
  X(SSL_new) X(SSL_free) X(SSL_set_bio) X(SSL_set_accept_state) X(SSL_read_ex) X(SSL_write_ex)           \
  X(SSL_get_error) X(SSL_shutdown) X(SSL_is_init_finished) X(SSL_get_version) X(SSL_get_current_cipher) \
  X(SSL_CIPHER_get_name) X(SSL_get_servername)

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

// The table, filled once; null (with the first missing name) when the process has no OpenSSL 3.
const OpenSsl* Library(std::string* missing) {
  static OpenSsl table;
  static std::string absent;
  static std::once_flag once;
  std::call_once(once, [] {
#define IOCP_TCP_RESOLVE(name)                                                                  \
  if (absent.empty()) {                                                                         \
    void* found = FindInProcess(#name);                                                         \
    if (found == nullptr) absent = #name;                                                       \
    table.name = reinterpret_cast<decltype(table.name)>(reinterpret_cast<void (*)()>(found));   \
  }
    IOCP_TCP_OPENSSL_FUNCTIONS(IOCP_TCP_RESOLVE)
#undef IOCP_TCP_RESOLVE
  });
  if (!absent.empty()) {
    *missing = absent;
    return nullptr;
  }
  return &table;
}

const OpenSsl& Ssl() {
  std::string unused;
  return *Library(&unused);  // only after TlsContext::Create succeeded
}

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

// Reads every PEM certificate in `pem`: the first is the server's, the rest its chain.
bool UseCertificates(SSL_CTX* ctx, const std::string& pem, std::string* error) {
  const OpenSsl& ssl = Ssl();
  BIO* bio = ssl.BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return Fail(error, TakeError("out of memory"));
  std::string problem;
  for (int index = 0; problem.empty(); ++index) {
    X509* cert = ssl.PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    if (cert == nullptr) {  // the end of the text, unless nothing came before
      if (index == 0) problem = "cert: no PEM certificate (" + TakeError("none found") + ")";
      ssl.ERR_clear_error();
      break;
    }
    if (index == 0) {
      if (ssl.SSL_CTX_use_certificate(ctx, cert) != 1) problem = "cert: " + TakeError("refused");
      ssl.X509_free(cert);
    } else if (ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, cert) != 1) {  // which then owns it
      problem = "cert: chain certificate refused: " + TakeError("refused");
      ssl.X509_free(cert);
    }
  }
  ssl.BIO_free(bio);
  return problem.empty() || Fail(error, problem);
}

bool UseKey(SSL_CTX* ctx, const TlsOptions& options, std::string* error) {
  const OpenSsl& ssl = Ssl();
  BIO* bio = ssl.BIO_new_mem_buf(options.key_pem.data(), static_cast<int>(options.key_pem.size()));
  if (bio == nullptr) return Fail(error, TakeError("out of memory"));
  // With no callback, OpenSSL takes the last argument as the passphrase.
  EVP_PKEY* key = ssl.PEM_read_bio_PrivateKey(bio, nullptr, nullptr, const_cast<char*>(options.passphrase.c_str()));
  ssl.BIO_free(bio);
  if (key == nullptr) return Fail(error, "key: " + TakeError("no PEM private key") + " (a wrong passphrase?)");
  bool ok = ssl.SSL_CTX_use_PrivateKey(ctx, key) == 1;
  ssl.EVP_PKEY_free(key);
  if (!ok) return Fail(error, "key: " + TakeError("refused"));
  if (ssl.SSL_CTX_check_private_key(ctx) != 1) return Fail(error, "key: does not match the certificate (" + TakeError("mismatch") + ")");
  return true;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::Create(const TlsOptions& options, std::string* error) {
  std::string missing;
  const OpenSsl* library = Library(&missing);
  if (library == nullptr) {
    *error = "TLS needs the OpenSSL 3 of the Node process, which this runtime does not offer (" + missing + " is missing)";
    return nullptr;
  }
  const OpenSsl& ssl = *library;
  ssl.ERR_clear_error();
  std::shared_ptr<TlsContext> context(new TlsContext());
  SSL_CTX* ctx = ssl.SSL_CTX_new(ssl.TLS_server_method());
  if (ctx == nullptr) {
    *error = TakeError("SSL_CTX_new failed");
    return nullptr;
  }
  context->ctx_ = ctx;
  context->handshake_timeout_ms_ = options.handshake_timeout_ms;
  long min_version = options.min_version == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, min_version, nullptr);
  // Renegotiation is a denial-of-service lever and no client needs it; an
  // idle connection gives its record buffers back (more connections per MB).
  ssl.SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, nullptr);
  if (!UseCertificates(ctx, options.cert_pem, error) || !UseKey(ctx, options, error)) return nullptr;
  return context;
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

void TlsSession::Feed(const char* data, size_t len) {
  Ssl().BIO_write(static_cast<BIO*>(input_), data, static_cast<int>(len));
}

long TlsSession::Read(char* out, size_t capacity) {
  if (failed_) return kFailed;
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
  if (failed_) return false;
  const OpenSsl& ssl = Ssl();
  ssl.ERR_clear_error();
  size_t written = 0;
  // Into a memory BIO a write after the handshake takes everything at once.
  if (ssl.SSL_write_ex(static_cast<SSL*>(ssl_), data, len, &written) == 1 && written == len) return true;
  NoteFailure();
  return false;
}

void TlsSession::Shutdown() {
  if (failed_) return;
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
  return Protocol() + "\n" + (cipher ? cipher : "") + "\n" + (servername ? servername : "");
}

void TlsSession::NoteFailure() {
  failed_ = true;
  if (error_.empty()) error_ = TakeError("TLS protocol error");
}

}  // namespace iocptcp
