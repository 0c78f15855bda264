#include "net/listener.hpp"

#include <chrono>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/listen.hpp"

namespace cis::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
// After a failed accept (e.g. EMFILE) the connection stays queued: pause instead of spinning.
constexpr std::chrono::milliseconds kAcceptErrorPause{100};
}  // namespace

Listener::Listener(asio::io_context& io, std::string who, std::size_t max_connections)
    : io_(io),
      who_(std::move(who)),
      max_connections_(max_connections),
      accept_strand_(asio::make_strand(io)),
      acceptor_(accept_strand_) {}

unsigned short Listener::start(std::shared_ptr<void> owner, const std::string& host,
                               unsigned short port, AcceptHandlers handlers) {
    if (acceptor_.is_open() || connections_.stopping())
        throw std::logic_error(who_ + ": Server::start() called twice or after stop()");
    if (!handlers.open || !handlers.reject)
        throw std::logic_error(who_ + ": Listener needs open and reject handlers");
    handlers_ = std::move(handlers);
    owner_ = owner;
    const unsigned short bound = listen(acceptor_, io_, host, port, who_);
    asio::co_spawn(accept_strand_, accept_loop(std::move(owner)), asio::detached);
    return bound;
}

asio::awaitable<void> Listener::accept_loop(std::shared_ptr<void> owner) {
    (void)owner;  // keeps this Listener alive while the loop runs
    while (true) {
        // Each connection gets its own strand: its coroutines never run concurrently.
        asio::any_io_executor strand = asio::make_strand(io_);
        error_code ec;
        tcp::socket sock =
            co_await acceptor_.async_accept(strand, asio::redirect_error(asio::use_awaitable, ec));
        if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            asio::steady_timer pause(accept_strand_, kAcceptErrorPause);
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (connections_.size() >= max_connections_) {
            asio::co_spawn(strand, handlers_.reject(std::move(sock)), asio::detached);
            continue;
        }
        if (!handlers_.open(std::move(sock))) co_return;
    }
}

void Listener::stop() {
    connections_.stop_all();
    // The acceptor belongs to the accept strand; closing it there ends the accept loop.
    // Never started: nothing to close (and nothing keeps us alive for a posted call).
    std::shared_ptr<void> keep = owner_.lock();
    if (!keep) return;
    asio::post(accept_strand_, [this, keep = std::move(keep)] {
        error_code ec;
        acceptor_.close(ec);
    });
}

std::string format_endpoint(const tcp::endpoint& ep) {
    const std::string addr = ep.address().to_string();
    const std::string port = std::to_string(ep.port());
    return ep.address().is_v6() ? "[" + addr + "]:" + port : addr + ":" + port;
}

}  // namespace cis::net
