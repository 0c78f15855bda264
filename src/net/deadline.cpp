#include "net/deadline.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cis::net {

namespace asio = boost::asio;
using boost::system::error_code;

Deadline::Deadline(asio::any_io_executor strand, std::function<void()> on_expiry)
    : timer_(std::move(strand)), on_expiry_(std::move(on_expiry)) {}

void Deadline::start(std::shared_ptr<void> owner) {
    asio::co_spawn(timer_.get_executor(), run(std::move(owner)), asio::detached);
}

asio::awaitable<void> Deadline::run(std::shared_ptr<void> owner) {
    (void)owner;  // held only to keep the owner alive while the timer is pending
    while (!stopped_) {
        timer_.expires_at(deadline_);
        error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // Woken early by arm() or stop(), or the deadline moved later meanwhile: re-check.
        if (!stopped_ && deadline_ <= Clock::now()) {
            expired_ = true;
            disarm();
            on_expiry_();
        }
    }
}

void Deadline::arm(Clock::duration d) {
    expired_ = false;
    deadline_ = Clock::now() + d;
    // The coroutine sleeps until the old expiry and then re-checks; wake it only if the new
    // deadline is earlier (e.g. it was disarmed, which means "never").
    if (timer_.expiry() > deadline_) timer_.cancel();
}

void Deadline::stop() {
    stopped_ = true;
    timer_.cancel();
}

}  // namespace cis::net
