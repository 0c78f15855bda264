#include "smtp/client_connection.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smtp/client_result.hpp"

namespace cis::smtp::detail {

namespace asio = boost::asio;
using asio::awaitable;
using boost::system::error_code;

namespace {

// Upper bound for a farewell QUIT to a server that may have stopped listening.
constexpr std::chrono::seconds kQuitTimeout{5};

}  // namespace

RelayConnection::RelayConnection(std::shared_ptr<RelayShared> shared)
    : shared_(std::move(shared)),
      opts_(shared_->opts),
      strand_(asio::make_strand(shared_->io)),
      transport_(strand_),
      wake_(strand_) {}

void RelayConnection::wake() {
    asio::post(strand_, [self = shared_from_this()] { self->wake_.cancel(); });
}

std::string RelayConnection::where() const {
    const bool v6 = opts_.host.find(':') != std::string::npos;
    return (v6 ? "[" + opts_.host + "]" : opts_.host) + ":" + std::to_string(opts_.port);
}

awaitable<void> RelayConnection::run(std::shared_ptr<RelayConnection> self) {
    self->transport_.start(self);
    try {
        co_await self->serve();
    } catch (...) {
        // Only allocation failures or a bug get here, with the connection still a member of the
        // pool: leave it, and fail what only it would have sent.
        if (self->member_) {
            std::deque<Job> orphans = self->shared_->leave_after_failure();
            for (Job& job : orphans) {
                finish(job, deferred("connect", "internal error in the relay client"));
            }
        }
    }
    self->transport_.stop();
    self->shared_->connection_gone();
}

awaitable<void> RelayConnection::serve() {
    while (true) {
        std::optional<Job> job = co_await next_job();
        if (!job) break;
        bool keep = true;
        try {
            keep = co_await deliver(*job);
        } catch (const std::exception& e) {
            drop();
            finish(*job, deferred("connect",
                                  std::string("internal error in the relay client: ") + e.what()));
        }
        if (!keep) co_return;  // already out of the pool, session closed
    }
    if (session_) co_await quit();
}

awaitable<std::optional<Job>> RelayConnection::next_job() {
    const auto idle_until = std::chrono::steady_clock::now() + opts_.idle_close;
    while (true) {
        const bool can_idle = session_ && std::chrono::steady_clock::now() < idle_until;
        std::optional<Job> job;
        const RelayShared::Next next = shared_->next(*this, can_idle, job);
        if (next == RelayShared::Next::kJob) co_return job;
        if (next == RelayShared::Next::kLeave) {
            member_ = false;
            co_return std::nullopt;
        }
        // Registered as idle: submit() or close() cancels this wait.
        wake_.expires_at(idle_until);
        error_code ec;
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

awaitable<bool> RelayConnection::deliver(Job& job) {
    const bool reused = session_;
    if (!session_) {
        if (std::optional<DeliveryResult> failure = co_await setup()) {
            give_up(job, *failure);
            co_return false;
        }
    }
    Outcome outcome = co_await transact(job);
    if (outcome.stale && reused) {
        // The server closed the session while it sat idle (its timeout is shorter than ours, or
        // it restarted): nothing of this message reached it, so try once on a new session.
        drop();
        if (std::optional<DeliveryResult> failure = co_await setup()) {
            give_up(job, *failure);
            co_return false;
        }
        outcome = co_await transact(job);
    }
    finish(job, std::move(outcome.result));
    ++sent_on_session_;
    const std::size_t limit = opts_.max_messages_per_connection;
    if (session_ && limit > 0 && sent_on_session_ >= limit) co_await quit();
    co_return true;
}

void RelayConnection::give_up(Job& job, const DeliveryResult& failure) {
    finish(job, failure);
    member_ = false;
    std::deque<Job> orphans = shared_->leave_after_failure();
    for (Job& other : orphans) finish(other, failure);
}

awaitable<void> RelayConnection::quit() {
    session_ = false;
    if (transport_.is_open()) {
        const std::chrono::seconds timeout = std::min(opts_.command_timeout, kQuitTimeout);
        std::string error = co_await transport_.write("QUIT\r\n", timeout);
        if (error.empty()) co_await transport_.read_reply(timeout, error);  // 221, or anything
    }
    transport_.close();
}

void RelayConnection::drop() {
    session_ = false;
    transport_.close();
}

awaitable<bool> RelayConnection::put(std::string_view bytes, const char* stage, const char* what) {
    const std::string error = co_await transport_.write(bytes, opts_.command_timeout);
    if (error.empty()) co_return true;
    session_ = false;
    io_failure_ =
        deferred(stage, "sending " + std::string(what) + " to " + where() + " failed: " + error);
    co_return false;
}

awaitable<std::optional<ServerReply>> RelayConnection::get(const char* stage, const char* what) {
    std::string error;
    std::optional<ServerReply> reply = co_await transport_.read_reply(opts_.command_timeout, error);
    if (!reply) {
        session_ = false;
        io_failure_ = deferred(stage, "waiting for the reply to " + std::string(what) + " from " +
                                          where() + ": " + error);
        co_return std::nullopt;
    }
    // 421: the server is closing the session (RFC 5321 3.8); it will not take another command.
    if (reply->code == 421) drop();
    co_return reply;
}

}  // namespace cis::smtp::detail
