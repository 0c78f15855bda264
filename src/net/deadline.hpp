#pragma once
// A deadline for one connection's pending I/O. Asio has no per-operation timeouts, and a
// timer per read costs a timer-queue operation per read. Instead the owner arms a deadline
// before each read or write and disarms it after; one long-lived timer coroutine wakes up
// when the earliest deadline may have passed and, if it has, calls on_expiry (which cancels
// or closes the socket, so the pending operation fails). Re-arming later than the timer's
// current expiry does not touch the timer, so steady traffic costs no timer operations.
//
// Every member runs on the owner's strand.
// Standard headers first, in their own block: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>.
#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace cis::net {

class Deadline {
  public:
    using Clock = std::chrono::steady_clock;

    Deadline(boost::asio::any_io_executor strand, std::function<void()> on_expiry);

    // Starts the timer coroutine on the strand; it runs until stop(). `owner` is held
    // meanwhile, so the object that owns this Deadline outlives the pending timer.
    void start(std::shared_ptr<void> owner);
    void arm(Clock::duration d);
    void disarm() { deadline_ = Clock::time_point::max(); }
    // The last armed deadline passed (cleared by the next arm()).
    bool expired() const { return expired_; }
    void stop();

  private:
    boost::asio::awaitable<void> run(std::shared_ptr<void> owner);

    boost::asio::steady_timer timer_;
    std::function<void()> on_expiry_;
    Clock::time_point deadline_ = Clock::time_point::max();
    bool expired_ = false;
    bool stopped_ = false;
};

}  // namespace cis::net
