#pragma once
// Inbound SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
// ENHANCEDSTATUSCODES and STARTTLS). The application plugs in through Handler.
//
// Threading: run the io_context on as many threads as you like; each connection runs as a
// coroutine on its own strand, so its state is never touched concurrently.
//
// Lifetime: the io_context and the Handler must outlive every session. Sessions finish on
// their own after stop() (they need the io_context to keep running to do so), so the usual
// shutdown is: server.stop(); drop any work guard; join the io_context threads.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "smtp/reply.hpp"

namespace cis::smtp {

struct Envelope {
    std::string helo;                // the EHLO/HELO domain
    std::string mail_from;           // without <>; empty for the null sender "<>"
    std::vector<std::string> rcpts;  // accepted recipients, as given, without <>
    std::string remote_address;      // "127.0.0.1:54321" ("[::1]:54321" for IPv6)
    bool tls = false;                // the transaction ran inside STARTTLS
    bool smtputf8 = false;           // MAIL ... SMTPUTF8
    bool eight_bit = false;          // MAIL ... BODY=8BITMIME
};

// Implemented by the application. Calls come from the io_context threads, never two at
// once for the same connection, but concurrently for different connections.
class Handler {
  public:
    virtual ~Handler() = default;
    // Per RCPT TO. Return {250, ...} to accept, e.g. {550, "5.1.1", "no such user"} to
    // refuse. Must not block for long: it runs on an io_context thread. If it throws, the
    // client gets 451 4.3.0.
    virtual Reply check_recipient(const std::string& rcpt) = 0;
    // After DATA: the whole message, dot-unstuffed, every line ending in CRLF (bare LFs
    // received are stored as CRLF). Store it durably, then call done() exactly once, from any
    // thread, now or later. The client gets done()'s reply (2xx = accepted) only then; no
    // further commands on that connection are processed meanwhile. Extra calls are ignored.
    // done() must be called before the io_context is destroyed.
    virtual void deliver(Envelope env, std::string message, std::function<void(Reply)> done) = 0;
};

struct ServerOptions {
    std::string host = "127.0.0.1";                   // IP literal or resolvable name
    unsigned short port = 2525;                       // 0 = pick a free one (see Server::port())
    std::string hostname = "localhost";               // used in the greeting and EHLO reply
    std::size_t max_message_size = 25 * 1024 * 1024;  // advertised via SIZE
    std::size_t max_connections = 200;                // beyond this: 421 4.7.0 at greeting
    std::size_t max_recipients = 100;                 // per transaction, beyond this: 452 4.5.3
    std::chrono::seconds idle_timeout{300};           // per read/write; on expiry 421 4.4.2
    std::string tls_cert_file, tls_key_file;          // PEM; STARTTLS offered only when both set
};

namespace detail {
struct ServerShared;
}

class Server {
  public:
    Server(boost::asio::io_context& io, ServerOptions opts, Handler& handler);
    ~Server();  // calls stop()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Loads the TLS certificate (if configured), binds, listens and starts accepting.
    // Throws std::runtime_error with a readable message on failure (bad cert, port in use).
    // Call once; a stopped server cannot be restarted (make a new one).
    void start();
    // The bound port; meaningful after start().
    unsigned short port() const { return port_; }
    // Stops accepting and asks every session to close: idle sessions get "421 4.3.2" at once,
    // a session waiting for Handler::deliver's done() replies first. Thread-safe, idempotent.
    void stop();
    // Number of sessions currently alive.
    std::size_t active_sessions() const;

  private:
    std::shared_ptr<detail::ServerShared> shared_;
    unsigned short port_ = 0;
};

}  // namespace cis::smtp
