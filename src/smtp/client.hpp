#pragma once
// Outbound SMTP relay client: hands finished messages to a smarthost (Postfix, Amazon SES's
// SMTP interface, any ESP) over a small pool of reused connections.
//
// Protocol (RFC 5321) with the extensions that matter for throughput and correctness:
// - PIPELINING (RFC 2920) when offered: MAIL, RCPT and DATA go out in one write and their
//   three replies are read together; then the body and "." and the final reply. Without it,
//   one command per round trip.
// - SIZE (RFC 1870): sent as MAIL ... SIZE=n; a message over the server's limit fails at once
//   (Failed, 5.3.4) without being transmitted.
// - 8BITMIME (RFC 6152): BODY=8BITMIME when the message has 8-bit bytes and the server offers
//   it. When it does not, the message is still sent as is (no MIME downgrade): nearly every
//   server accepts 8-bit data anyway, and CIS's own messages are 7-bit.
// - SMTPUTF8 (RFC 6531): used when an envelope address is not ASCII; if the server does not
//   offer it the message fails (Failed, 5.6.7) since no ASCII form of the address exists.
// - STARTTLS (RFC 3207), then EHLO again; AUTH PLAIN (preferred) or LOGIN (RFC 4954) after it.
//
// Connections: up to `connections` are opened as messages queue up; each sends one message after
// another on its session (no RSET after a successful transaction), and QUITs after
// max_messages_per_connection messages or idle_close without work.
// - A refusal of one message (4xx/5xx to MAIL, RCPT, DATA or ".") fails only that message: RSET,
//   and the session carries on.
// - A 421, a dropped connection, a malformed reply or a timeout defers that message; the next
//   one gets a new session. Every step has a deadline (connect_timeout, command_timeout), so no
//   send waits forever while the io_context runs.
// - A session the server closed while it sat idle is noticed at the next MAIL (connection
//   closed, or 421, before any reply): that message had not reached the server and is retried
//   once on a new session.
// - When a session cannot be set up (connect, greeting, EHLO, STARTTLS, AUTH), its message gets
//   that result, and so does every queued message if no other connection is left to send
//   them (they would all go to the same server). The pool then does not grow for 5 s.
// - Deferred after "." was sent but before its reply came (timeout, dropped connection) is
//   ambiguous (RFC 1047): the server may have the message, and a retry may duplicate it.
//
// Threading: send() and close() may be called from any thread. Each connection runs as a
// coroutine on its own strand of the caller's io_context; done() runs there.
//
// Lifetime: the io_context must outlive the client's connections, which finish on their own
// after close() (or the destructor) as long as the io_context keeps running: wait for
// active_connections() to reach 0 before stopping it if you want every connection to QUIT and
// every done() to run. Destroying the io_context earlier drops unfinished sends silently.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace cis::smtp {

struct RelayOptions {
    std::string host = "127.0.0.1";  // IP literal or DNS name (also the name TLS verifies)
    unsigned short port = 25;

    // STARTTLS policy. Opportunistic: used when the server offers it. Required: a server that
    // does not offer it, or a failed handshake, defers every message. In both modes a failed
    // handshake (including a certificate that does not verify) defers: falling back to
    // plaintext after a failed handshake would let an attacker force the downgrade.
    enum class Tls { Off, Opportunistic, Required } tls = Tls::Opportunistic;
    // Verify the server's certificate chain and that it names `host` (DNS name or IP address).
    // Debian's default Postfix offers STARTTLS with a self-signed "snakeoil" certificate: for a
    // local Postfix use Tls::Off (loopback) or verify_certificate = false.
    bool verify_certificate = true;
    std::string ca_file;  // PEM file of trusted CAs; empty = the system's trust store

    // When both are set, AUTH is required: PLAIN if offered, else LOGIN, else every message is
    // deferred. Credentials are only ever sent inside TLS, or in plaintext to a loopback
    // address (127.0.0.0/8, ::1), where nobody can listen in; otherwise messages are deferred.
    std::string username, password;

    std::string helo_name = "localhost";             // our name in EHLO/HELO
    std::size_t connections = 4;                     // parallel connections, kept open and reused
    std::size_t max_messages_per_connection = 1000;  // then QUIT and reconnect; 0 = no limit
    std::chrono::seconds connect_timeout{30};        // DNS + TCP connect
    std::chrono::seconds command_timeout{60};        // each write, each awaited reply, TLS
    std::chrono::seconds idle_close{30};             // QUIT a connection idle this long
};

// One message to one recipient. Addresses are given without <>; an empty mail_from is the
// null reverse-path "<>" (for bounces and auto-replies).
struct RelayEnvelope {
    std::string mail_from;
    std::string rcpt;
};

struct DeliveryResult {
    // Sent: 2xx after the final ".". Deferred: 4xx, or trouble with the connection, TLS,
    // a timeout or the client being closed (try again later). Failed: 5xx, or a message that
    // cannot be sent as given (do not retry unchanged).
    enum class Status { Sent, Deferred, Failed } status = Status::Deferred;
    int code = 0;          // the server's reply code; 0 when the server did not say it
                           // (connection trouble, or a decision of this client)
    std::string enhanced;  // RFC 3463 code ("5.1.1") if the server gave one, or ours
    std::string text;      // the server's reply text (lines joined by '\n'), or a description
                           // of the problem; printable ASCII only, bounded length
    // Where it happened: "connect" (including the greeting, and sends cut short by close()),
    // "ehlo", "starttls", "auth", "mail", "rcpt", "data" (the DATA command), "dot" (sending
    // the message and the reply to the final ".").
    std::string stage;
};

namespace detail {
class RelayShared;
}

class RelayClient {
  public:
    // Throws std::invalid_argument for unusable options (no host, connections == 0) and
    // std::runtime_error when ca_file cannot be loaded. Connects lazily, on the first send().
    RelayClient(boost::asio::io_context& io, RelayOptions opts);
    ~RelayClient();  // calls close()
    RelayClient(const RelayClient&) = delete;
    RelayClient& operator=(const RelayClient&) = delete;

    // Queues one message. `data` is the whole RFC 5322 message with CRLF line ends, NOT
    // dot-stuffed (the client stuffs). Bare CR or LF are sent as CRLF, so the end-of-data
    // marker can never be ambiguous (no SMTP smuggling), and a missing final CRLF is added.
    // done() is called exactly once, always from an io_context thread (never inside send()),
    // and must not throw. Messages are started in the order queued, several at a time. Never
    // blocks: the queue is unbounded, so the caller decides how much to hand over at once.
    void send(RelayEnvelope env, std::string data, std::function<void(DeliveryResult)> done);

    // The same, with a commit gate: once the body is written and only the final "." is
    // left, `before_dot` is called (on an io thread) with a `proceed` function, and the
    // final dot waits until proceed(true) is called, from any thread. proceed(false) drops
    // the connection without the dot, so the server keeps nothing (Deferred). The caller
    // records "about to be accepted" there: after a crash, a message whose dot may have been
    // sent is known, so it is never sent twice.
    using CommitGate = std::function<void(std::function<void(bool proceed)>)>;
    void send(RelayEnvelope env, std::string data, CommitGate before_dot,
              std::function<void(DeliveryResult)> done);

    // Queued sends complete with Deferred at once; a transaction under way finishes (bounded by
    // the timeouts), then every connection QUITs. Later send()s complete with Deferred.
    // Thread-safe, idempotent.
    void close();

    // Connections alive now (connecting, sending or idle).
    std::size_t active_connections() const;
    // Sessions successfully set up since construction (a reconnect counts again).
    std::size_t sessions_opened() const;

  private:
    std::shared_ptr<detail::RelayShared> shared_;
};

}  // namespace cis::smtp
