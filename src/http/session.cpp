#include "http/session.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "http/compression.hpp"
#include "http/request_parser.hpp"
#include "http/wire.hpp"

namespace cis::http::detail {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadSize = 16 * 1024;
// Pipelined responses are batched into one write, but not beyond this.
constexpr std::size_t kFlushThreshold = 64 * 1024;
// A larger output buffer (after a big response) is released instead of kept for reuse.
constexpr std::size_t kKeepOutCapacity = 256 * 1024;
// Bounds for a last response to a peer that may not cooperate, and for draining its input.
constexpr std::chrono::seconds kGoodbyeTimeout{2};
constexpr std::size_t kDrainBytes = 1024 * 1024;

// The Respond given to the handler. Holds the session weakly: a Respond kept after the
// connection ended neither keeps it alive nor touches it. The generation makes a Respond
// for an earlier request (or a second call) a no-op. Compresses on the responding thread.
struct Responder {
    std::weak_ptr<Session> session;
    std::uint64_t gen;
    bool accepts_gzip;
    CompressionOptions compression;
    void operator()(Response r) const {
        auto s = session.lock();
        if (!s) return;
        try {
            compress_response(r, accepts_gzip, compression);
        } catch (const std::exception&) {  // out of memory: sent as it is
        }
        s->complete(gen, std::move(r));
    }
};

Response internal_error() {
    return json_error(500, "internal", "Internal server error");
}

}  // namespace

Session::Session(std::shared_ptr<ServerShared> shared, tcp::socket socket)
    : shared_(std::move(shared)),
      opts_(shared_->opts),
      socket_(std::move(socket)),
      deadline_(socket_.get_executor(),
                [this] {
                    error_code ec;
                    socket_.cancel(ec);  // the pending read or write fails
                }),
      wake_(socket_.get_executor()) {
    error_code ec;
    const tcp::endpoint ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = net::format_endpoint(ep);
    // Responses are written whole; Nagle would only delay them behind the client's ACKs.
    socket_.set_option(tcp::no_delay(true), ec);
}

Session::~Session() {
    shared_->listener.connections().remove(this);
}

void Session::request_stop() {
    asio::post(executor(), [self = shared_from_this()] {
        self->stop_requested_ = true;
        // Only an idle read is cut; a request in progress is answered first.
        error_code ec;
        if (self->idle_) self->socket_.cancel(ec);
    });
}

awaitable<void> Session::run(std::shared_ptr<Session> self) {
    self->deadline_.start(self);
    try {
        co_await self->serve();
    } catch (...) {
        // Only allocation failures or a bug can get here; drop this connection, not the server.
    }
    self->close();
}

void Session::close() {
    deadline_.stop();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

awaitable<void> Session::serve() {
    while (true) {
        RequestParser parser(opts_.max_body);
        error_code ec;
        const Read got = co_await read_request(parser, ec);
        if (got == Read::kClosed) co_return;
        if (got != Read::kRequest) {
            // GCC 12 double-frees a braced temporary inside a co_await expression, so nothing
            // below builds one there.
            const Response r = got == Read::kTimeout ? json_error(408, "request_timeout",
                                                                  "Request not received in time")
                                                     : error_response(ec, opts_.max_body);
            queue(r, 11, /*keep_alive=*/false, /*head=*/false);
            co_await finish(goodbye_timeout(), /*drain=*/true);
            co_return;
        }
        Request req = parser.take();
        req.remote = remote_;
        const bool head = req.method == "HEAD";
        const int version = req.version;
        bool keep = parser.keep_alive();
        bool gave_up = false;
        const std::optional<Response> r = co_await call_handler(std::move(req), gave_up);
        if (!r) co_return;
        keep = keep && !gave_up && !stop_requested_;
        queue(*r, version, keep, head);
        if (!keep) {
            // Pipelined requests after this one are left unread: drain them (see finish).
            const Clock::duration timeout = gave_up ? goodbye_timeout() : opts_.idle_timeout;
            co_await finish(timeout, in_.size() > 0 || gave_up);
            co_return;
        }
        if (out_.size() >= kFlushThreshold && !co_await flush(opts_.idle_timeout)) co_return;
    }
}

awaitable<Session::Read> Session::read_request(RequestParser& parser, error_code& ec) {
    bool continue_sent = false;
    // The header must arrive within idle_timeout of its first byte, not merely one byte per
    // idle_timeout (slowloris). The body only has the per-read limit: uploads may be slow.
    Clock::time_point header_deadline = Clock::time_point::max();
    while (true) {
        if (in_.size() > 0) {
            const std::size_t n = parser.put(in_.data(), ec);
            in_.consume(n);
            if (ec == beast_http::error::need_more) {
                ec = {};
            } else if (ec) {
                co_return Read::kBad;
            }
            if (parser.is_done()) co_return Read::kRequest;
        }
        const bool begun = parser.got_some() || in_.size() > 0;
        if (parser.is_header_done() && parser.expects_continue() && !continue_sent) {
            out_.append("HTTP/1.1 100 Continue\r\n\r\n");
            continue_sent = true;
        }
        // About to wait for the client: send every response batched so far first.
        if (!out_.empty() && !co_await flush(opts_.idle_timeout)) co_return Read::kClosed;
        if (!begun && stop_requested_) co_return Read::kClosed;
        idle_ = !begun;
        const Clock::time_point now = Clock::now();
        Clock::time_point deadline = now + opts_.idle_timeout;
        if (!parser.is_header_done()) deadline = std::min(deadline, header_deadline);
        const bool ok = co_await fill(deadline - now);
        idle_ = false;
        if (!ok) co_return (deadline_.expired() && begun) ? Read::kTimeout : Read::kClosed;
        if (header_deadline == Clock::time_point::max()) header_deadline = now + opts_.idle_timeout;
    }
}

awaitable<bool> Session::fill(Clock::duration timeout) {
    arm(timeout);
    error_code ec;
    const std::size_t n = co_await socket_.async_read_some(
        in_.prepare(kReadSize), asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (ec) co_return false;
    in_.commit(n);
    co_return true;
}

awaitable<bool> Session::flush(Clock::duration timeout) {
    arm(timeout);
    error_code ec;
    co_await asio::async_write(socket_, asio::buffer(out_),
                               asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    out_.clear();
    if (out_.capacity() > kKeepOutCapacity) std::string().swap(out_);
    co_return !ec;
}

Session::Clock::duration Session::goodbye_timeout() const {
    return std::min<Clock::duration>(opts_.idle_timeout, kGoodbyeTimeout);
}

awaitable<void> Session::finish(Clock::duration write_timeout, bool drain) {
    if (!out_.empty() && !co_await flush(write_timeout)) co_return;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (!drain) co_return;
    // Closing with unread input makes the kernel send a reset, which may destroy our
    // response before the client reads it. So read and drop until the client closes (it
    // has the answer by then), within bounds.
    arm(goodbye_timeout());
    std::size_t drained = 0;
    while (drained < kDrainBytes) {
        in_.clear();
        const std::size_t n = co_await socket_.async_read_some(
            in_.prepare(kReadSize), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        drained += n;
    }
    disarm();
}

void Session::queue(const Response& r, int version, bool keep_alive, bool head) {
    const WireOptions o{opts_.server_name, keep_alive, version == 10, head};
    if (r.status < 200 || r.status > 599) {
        report("handler returned status " + std::to_string(r.status));
        serialize_response(internal_error(), o, out_);
        return;
    }
    serialize_response(r, o, out_);
}

awaitable<std::optional<Response>> Session::call_handler(Request req, bool& gave_up) {
    std::uint64_t gen = 0;
    {
        std::lock_guard lock(slot_mu_);
        gen = ++gen_;
        answered_ = false;
        response_.reset();
    }
    std::string failure;
    const bool gzip = accepts_gzip(req.header_list("Accept-Encoding"));
    try {
        shared_->handler(std::move(req),
                         Respond(Responder{weak_from_this(), gen, gzip, opts_.compression}));
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "unknown exception";
    }
    if (!failure.empty()) {
        // No-op if the handler had responded before throwing.
        complete(gen, internal_error());
        report(failure);
    }
    if (std::optional<Response> r = take_response(false)) co_return r;  // answered inline

    // Answered later: send earlier pipelined responses meanwhile, then sleep on wake_,
    // which complete() cancels and whose expiry is the handler timeout.
    if (!out_.empty() && !co_await flush(opts_.idle_timeout)) co_return std::nullopt;
    if (std::optional<Response> r = take_response(true)) co_return r;
    wake_.expires_after(opts_.handler_timeout);
    error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    {
        std::lock_guard lock(slot_mu_);
        waiting_ = false;
        if (!answered_) {
            answered_ = true;  // we give up: a late Respond is dropped
            gave_up = true;
        }
    }
    if (gave_up) co_return json_error(503, "timeout", "The request took too long to process");
    co_return take_response(false);
}

void Session::report(const std::string& what) noexcept {
    if (!opts_.on_handler_error) return;
    try {
        opts_.on_handler_error(what);
    } catch (...) {
        // A failing logger must not take the connection down.
    }
}

std::optional<Response> Session::take_response(bool wait) {
    std::lock_guard lock(slot_mu_);
    if (answered_ && response_) {
        std::optional<Response> r = std::move(response_);
        response_.reset();
        return r;
    }
    waiting_ = wait;
    return std::nullopt;
}

void Session::complete(std::uint64_t gen, Response r) {
    bool wake = false;
    {
        std::lock_guard lock(slot_mu_);
        if (gen != gen_ || answered_) return;
        answered_ = true;
        response_ = std::move(r);
        wake = waiting_;
    }
    if (!wake) return;  // the coroutine looks at the slot before it sleeps
    asio::post(executor(), [self = shared_from_this(), gen] {
        if (self->gen_ == gen && self->waiting_) self->wake_.cancel();
    });
}

}  // namespace cis::http::detail
