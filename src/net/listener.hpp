#pragma once
// The accepting half of a TCP server, shared by the SMTP and HTTP servers: the listening
// socket, the accept loop (a fresh strand per connection, back-off on EMFILE and the like,
// a bound on concurrent connections) and the set of live connections that stop() reaches.
// What a connection does is the server's business, through AcceptHandlers.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include "net/connections.hpp"

namespace cis::net {

// Both are called on the accept strand with a socket bound to a fresh strand of its own,
// which then serves that connection for its whole life.
struct AcceptHandlers {
    // There is room: create the connection, add() it to connections() and start it. Return
    // false when add() refused (stop() has begun): the accept loop then ends.
    std::function<bool(boost::asio::ip::tcp::socket)> open;
    // Over max_connections: a coroutine that tells the client why and closes (no session).
    std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket)> reject;
};

class Listener {
  public:
    // `who` ("smtp", "http") prefixes every error message.
    Listener(boost::asio::io_context& io, std::string who, std::size_t max_connections);

    // Binds host:port (see listen.hpp), listens and starts accepting. Returns the bound port.
    // `owner` (the object this Listener lives in) is held by the accept loop. Throws
    // std::runtime_error with a readable message, std::logic_error when called twice or
    // after stop().
    unsigned short start(std::shared_ptr<void> owner, const std::string& host, unsigned short port,
                         AcceptHandlers handlers);
    // Stops accepting and asks every live connection to stop. Thread-safe, idempotent.
    void stop();

    ConnectionSet& connections() { return connections_; }
    boost::asio::io_context& io() { return io_; }

  private:
    boost::asio::awaitable<void> accept_loop(std::shared_ptr<void> owner);

    boost::asio::io_context& io_;
    const std::string who_;
    const std::size_t max_connections_;
    AcceptHandlers handlers_;    // set by start(), then read-only
    std::weak_ptr<void> owner_;  // set by start(); keeps us alive for stop()'s posted close
    boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
    boost::asio::ip::tcp::acceptor acceptor_;  // used on accept_strand_ only (after start)
    ConnectionSet connections_;
};

// The usual AcceptHandlers::open: a `Session(std::shared_ptr<Shared>, socket)` is added to
// the listener's connections and its `static awaitable<void> run(std::shared_ptr<Session>)`
// spawned on its strand. `Shared` (which owns the Listener) is held weakly: the Listener
// holds this handler, and a strong reference would keep both alive forever.
template <class Session, class Shared>
std::function<bool(boost::asio::ip::tcp::socket)> open_session(std::weak_ptr<Shared> weak) {
    return [weak = std::move(weak)](boost::asio::ip::tcp::socket sock) {
        const std::shared_ptr<Shared> shared = weak.lock();
        if (!shared) return false;
        auto session = std::make_shared<Session>(shared, std::move(sock));
        // Refused once stop() has begun; the session then closes its socket as it goes.
        if (!shared->listener.connections().add(session)) return false;
        boost::asio::co_spawn(session->executor(), Session::run(session), boost::asio::detached);
        return true;
    };
}

// "127.0.0.1:54321", or "[::1]:54321" for IPv6: how logs and envelopes name a peer.
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace cis::net
