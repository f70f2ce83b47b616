// TLS for connections, with the OpenSSL 3 of the Node process that loaded the
// addon. Its functions are looked up at run time, so the addon carries and
// links no OpenSSL of its own, and a runtime without them (a Node built
// without OpenSSL) gets a clear error when TLS is asked for while plain TCP
// keeps working.
//
// A connection's session works on memory buffers inside the worker turn:
// received ciphertext goes in and plaintext comes out for the handler; the
// handler's plaintext goes in and ciphertext comes out for the send queue.
// The session never touches the socket, so the three backends need nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace iocptcp {

// A certificate with its key: PEM, or one PKCS#12 file.
struct TlsCredentials {
  std::string cert_pem;    // the certificate, then the chain that leads to its issuer
  std::string key_pem;     // its private key (PEM; encrypted with `passphrase`)
  std::string pfx;         // or both in PKCS#12 (DER bytes), encrypted with `passphrase`
  std::string passphrase;
};

struct TlsOptions {
  TlsCredentials credentials;
  // SNI: the certificate for clients that ask for these host names (a
  // leading "*." matches one label), with the settings below all the same.
  std::vector<std::pair<std::string, TlsCredentials>> by_servername;
  std::string min_version = "TLSv1.2";  // TLSv1.2 or TLSv1.3
  std::string max_version = "TLSv1.3";
  std::string ciphers;       // TLS 1.2 cipher list (OpenSSL's syntax); empty = OpenSSL's default
  std::string ciphersuites;  // TLS 1.3 suites; empty = OpenSSL's default
  std::vector<std::string> alpn;  // protocols the server speaks, preferred first; empty = no ALPN
  std::string ca_pem;        // certificates that client certificates must chain to
  bool request_cert = false;
  bool reject_unauthorized = true;  // with request_cert: a client without a valid certificate fails the handshake
  int64_t handshake_timeout_ms = 10000;  // a handshake not finished by then is abandoned
};

// The server's certificate and settings; shared by every worker (OpenSSL
// makes sessions from one context on any thread).
class TlsContext {
 public:
  // Null with `error` set when OpenSSL is missing or the options are refused.
  static std::shared_ptr<TlsContext> Create(const TlsOptions& options, std::string* error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  int64_t handshake_timeout_ms() const { return handshake_timeout_ms_; }
  // When the default certificate expires, in Unix seconds.
  int64_t not_after_s() const { return not_after_s_; }
  // The SSL_CTX for clients that ask for host `name` (SNI): a pattern's, else this one's.
  void* SslCtxFor(const char* name) const;

 private:
  friend class TlsSession;
  TlsContext() = default;
  void* ctx_ = nullptr;  // SSL_CTX
  int64_t handshake_timeout_ms_ = 0;
  int64_t not_after_s_ = 0;
  std::string alpn_wire_;  // the ALPN list as the protocol writes it (length-prefixed), for the select callback
  // SNI: host name pattern and its context, searched by the servername callback.
  std::vector<std::pair<std::string, std::shared_ptr<TlsContext>>> by_servername_;
};

// One connection's TLS state (server side).
class TlsSession {
 public:
  // Null if OpenSSL could not make one (out of memory).
  static std::unique_ptr<TlsSession> New(const TlsContext& context);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // What Read found.
  static constexpr long kNeedInput = 0;   // nothing more until more ciphertext arrives
  static constexpr long kPeerClosed = -1; // the peer's close_notify
  static constexpr long kFailed = -2;     // a protocol error (an alert for the peer may be in the output)

  // Ciphertext from the peer; false if it could not be taken (out of memory).
  bool Feed(const char* data, size_t len);
  // Advances the handshake and decrypts: plaintext bytes (> 0) into `out`, or one of the above.
  long Read(char* out, size_t capacity);
  // Encrypts plaintext; false if OpenSSL failed (the connection is done for).
  bool Write(const char* data, size_t len);
  // Queues close_notify.
  void Shutdown();
  // Ciphertext waiting to be sent, and taking it.
  size_t OutputSize() const;
  size_t TakeOutput(char* out, size_t capacity);

  bool HandshakeDone() const { return handshake_done_; }
  // For JS once the handshake is done, one field a line: protocol, cipher,
  // servername, ALPN protocol, and with a client certificate requested:
  // why it is not authorized ("" = authorized), its subject, issuer,
  // notAfter (Unix seconds) and SHA-256 fingerprint (hex pairs, ':'-joined).
  std::string Describe() const;
  // A client certificate was asked for and failed verification (or none came).
  bool CertificateRefused() const;
  std::string Protocol() const;  // "TLSv1.3", ...
  // Why it failed: OpenSSL's reason for the first error.
  const std::string& error() const { return error_; }

 private:
  TlsSession() = default;
  void NoteFailure();
  bool AsksForCertificate() const;  // the context it was made from (or SNI chose) has requestCert
  void* ssl_ = nullptr;     // SSL
  void* input_ = nullptr;   // BIO it reads ciphertext from
  void* output_ = nullptr;  // BIO it writes ciphertext to
  bool handshake_done_ = false;
  std::string error_;
};

// A thread that did TLS is ending: OpenSSL's per-thread state goes with it
// (node.exe links OpenSSL statically, so nothing else frees it on Windows).
void ReleaseTlsThreadState();

}  // namespace iocptcp
