#include "http/server.hpp"

#include "net/listen.hpp"

#include <array>
#include <stdexcept>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/session.hpp"
#include "http/wire.hpp"

namespace cis::http {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using detail::ServerShared;
using detail::Session;

namespace {

constexpr std::chrono::seconds kRejectTimeout{2};

// Over max_connections: answer 503 without creating a session, then read and drop what the
// client sent (closing on unread input would reset the connection and lose the answer).
awaitable<void> reject_busy(tcp::socket sock, std::string response) {
    asio::steady_timer deadline(sock.get_executor(), kRejectTimeout);
    // Runs on the same strand; after cancel() it only sees operation_aborted.
    deadline.async_wait([&sock](error_code ec) {
        if (!ec) sock.cancel(ec);
    });
    error_code ec;
    co_await asio::async_write(sock, asio::buffer(response),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) sock.shutdown(tcp::socket::shutdown_send, ec);
    std::array<char, 4096> sink;
    for (int i = 0; !ec && i < 64; ++i) {
        co_await sock.async_read_some(asio::buffer(sink),
                                      asio::redirect_error(asio::use_awaitable, ec));
    }
    deadline.cancel();
    sock.close(ec);
}

std::string busy_response(const ServerOptions& o) {
    std::string out;
    const Response r = json_error(503, "unavailable", "Too many connections, try again later");
    detail::serialize_response(r, {o.server_name, /*keep_alive=*/false, false, false}, out);
    return out;
}

awaitable<void> accept_loop(std::shared_ptr<ServerShared> s) {
    while (true) {
        // Each connection gets its own strand: its coroutines never run concurrently.
        asio::any_io_executor strand = asio::make_strand(s->io);
        error_code ec;
        tcp::socket sock = co_await s->acceptor.async_accept(
            strand, asio::redirect_error(asio::use_awaitable, ec));
        if (!s->acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // E.g. EMFILE: the connection stays queued, so back off instead of spinning.
            asio::steady_timer pause(s->accept_strand, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (s->active.load() >= s->opts.max_connections) {
            asio::co_spawn(strand, reject_busy(std::move(sock), busy_response(s->opts)),
                           asio::detached);
            continue;
        }
        auto session = std::make_shared<Session>(s, std::move(sock));
        if (!s->add(session)) co_return;  // stop() has begun; the session closes its socket
        asio::co_spawn(session->executor(), Session::run(session), asio::detached);
    }
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions opts, Handler handler)
    : shared_(std::make_shared<ServerShared>(io, std::move(opts), std::move(handler))) {}

Server::~Server() {
    stop();
}

void Server::start() {
    ServerShared& s = *shared_;
    {
        std::lock_guard lock(s.mu);
        if (s.acceptor.is_open() || s.stopping)
            throw std::logic_error("http: Server::start() called twice or after stop()");
    }
    if (!s.handler) throw std::logic_error("http: Server needs a handler");
    port_ = net::listen(s.acceptor, s.io, s.opts.host, s.opts.port, "http");
    asio::co_spawn(s.accept_strand, accept_loop(shared_), asio::detached);
}

void Server::stop() {
    std::vector<std::shared_ptr<Session>> sessions;
    {
        std::lock_guard lock(shared_->mu);
        shared_->stopping = true;
        for (const auto& [ptr, weak] : shared_->sessions) {
            if (auto session = weak.lock()) sessions.push_back(std::move(session));
        }
    }
    // The acceptor belongs to the accept strand; closing it ends the accept loop.
    asio::post(shared_->accept_strand, [s = shared_] {
        error_code ec;
        s->acceptor.close(ec);
    });
    for (const auto& session : sessions) session->request_stop();
}

std::size_t Server::active_connections() const {
    return shared_->active.load();
}

}  // namespace cis::http
