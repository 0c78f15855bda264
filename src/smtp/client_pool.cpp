#include "smtp/client_pool.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "smtp/client_connection.hpp"
#include "smtp/client_result.hpp"

namespace cis::smtp::detail {

namespace asio = boost::asio;

namespace {

// How long the pool stays at its current size after a connection failed to set up.
constexpr std::chrono::seconds kGrowBackoff{5};

asio::ssl::context make_tls(const RelayOptions& o) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    try {
        if (o.ca_file.empty()) {
            ctx.set_default_verify_paths();
        } else {
            ctx.load_verify_file(o.ca_file);
        }
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("smtp relay: cannot load CA file '" + o.ca_file +
                                 "': " + e.what());
    }
    return ctx;
}

}  // namespace

void finish(Job& job, DeliveryResult result) {
    auto done = std::exchange(job.done, nullptr);
    if (!done) return;
    try {
        done(std::move(result));
    } catch (...) {
        // Documented as must-not-throw; an io thread is no place to report it.
    }
}

void finish_later(asio::io_context& io, Job job, DeliveryResult result) {
    asio::post(io, [job = std::move(job), result = std::move(result)]() mutable {
        finish(job, std::move(result));
    });
}

RelayShared::RelayShared(asio::io_context& io_, RelayOptions opts_)
    : io(io_), opts(std::move(opts_)) {
    if (opts.tls != RelayOptions::Tls::Off) tls.emplace(make_tls(opts));
}

void RelayShared::submit(Job job) {
    std::lock_guard lock(mu_);
    if (closing_) {
        finish_later(
            io, std::move(job),
            deferred("connect", "the relay client was closed before the message was sent"));
        return;
    }
    queue_.push_back(std::move(job));
    if (!idle_.empty()) {
        // The most recently idled connection: the others may then idle out.
        idle_.back()->wake();
        idle_.pop_back();
    } else if (members_ < opts.connections && (members_ == 0 || Clock::now() >= grow_after_)) {
        spawn_locked();
    }
}

void RelayShared::spawn_locked() {
    auto conn = std::make_shared<RelayConnection>(shared_from_this());
    ++members_;
    ++alive;
    asio::co_spawn(conn->executor(), RelayConnection::run(conn), asio::detached);
}

void RelayShared::close() {
    std::deque<Job> queued;
    std::vector<std::shared_ptr<RelayConnection>> idle;
    {
        std::lock_guard lock(mu_);
        closing_ = true;
        queued.swap(queue_);
        idle.swap(idle_);
    }
    for (Job& job : queued) {
        finish_later(
            io, std::move(job),
            deferred("connect", "the relay client was closed before the message was sent"));
    }
    for (const auto& conn : idle) conn->wake();  // they find nothing to do and QUIT
}

void RelayShared::unidle_locked(RelayConnection& conn) {
    std::erase_if(idle_, [&](const auto& c) { return c.get() == &conn; });
}

RelayShared::Next RelayShared::next(RelayConnection& conn, bool can_idle, std::optional<Job>& job) {
    std::lock_guard lock(mu_);
    if (!queue_.empty()) {
        unidle_locked(conn);
        job.emplace(std::move(queue_.front()));
        queue_.pop_front();
        return Next::kJob;
    }
    if (closing_ || !can_idle) {
        unidle_locked(conn);
        --members_;
        return Next::kLeave;
    }
    if (std::none_of(idle_.begin(), idle_.end(), [&](const auto& c) { return c.get() == &conn; }))
        idle_.push_back(conn.shared_from_this());
    return Next::kIdle;
}

std::deque<Job> RelayShared::leave_after_failure() {
    std::lock_guard lock(mu_);
    --members_;
    grow_after_ = Clock::now() + kGrowBackoff;
    std::deque<Job> orphans;
    if (members_ == 0) orphans.swap(queue_);
    return orphans;
}

}  // namespace cis::smtp::detail
