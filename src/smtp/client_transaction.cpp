// One mail transaction on an established relay session: MAIL, RCPT, DATA, body, ".".
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

// GCC 12 reports a false -Wmismatched-new-delete for Asio's coroutine frames in this file
// (each frame is allocated and freed by the same awaitable_frame_base operators; the
// warning comes and goes with inlining decisions). Scoped to this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smtp/client_connection.hpp"
#include "smtp/client_result.hpp"
#include "smtp/command.hpp"

namespace cis::smtp::detail {

using boost::asio::awaitable;

namespace {

std::string bytes(std::uint64_t n) {
    return std::to_string(n) + " bytes";
}

}  // namespace

awaitable<RelayConnection::Outcome> RelayConnection::transact(const Job& job) {
    Outcome out;
    // Checks that need no round trip: a message that cannot go is not sent at all.
    const bool utf8 = !is_ascii(job.env.mail_from) || !is_ascii(job.env.rcpt);
    if (utf8 && !caps_.smtputf8) {
        out.result = refused_here(
            "mail", "5.6.7",
            "the envelope has a non-ASCII address but " + where() + " does not offer SMTPUTF8");
        co_return out;
    }
    if (caps_.too_big(job.message.size)) {
        out.result = refused_here("mail", "5.3.4",
                                  "the message (" + bytes(job.message.size) + ") exceeds the " +
                                      bytes(caps_.max_size) + " SIZE limit of " + where());
        co_return out;
    }

    MailParams params;
    params.size = caps_.size_offered ? job.message.size : 0;
    params.eight_bit = job.message.eight_bit && caps_.eight_bit;  // else sent as is: see header
    params.smtputf8 = utf8;
    const std::string mail = mail_command(job.env.mail_from, params);
    const std::string rcpt = rcpt_command(job.env.rcpt);

    // The three replies; with PIPELINING all three commands go out in one write (RFC 2920).
    std::optional<ServerReply> mail_reply, rcpt_reply, data_reply;
    if (caps_.pipelining) {
        const std::string batch = mail + rcpt + "DATA\r\n";
        if (!co_await put(batch, "mail", "MAIL FROM")) {
            out.result = io_failure_;
            out.stale = true;
            co_return out;
        }
        // Every reply is read, failed ones too, to stay in step (unless the session ended).
        mail_reply = co_await get("mail", "MAIL FROM");
        if (mail_reply && session_) rcpt_reply = co_await get("rcpt", "RCPT TO");
        if (rcpt_reply && session_) data_reply = co_await get("data", "DATA");
    } else {
        if (!co_await put(mail, "mail", "MAIL FROM")) {
            out.result = io_failure_;
            out.stale = true;
            co_return out;
        }
        mail_reply = co_await get("mail", "MAIL FROM");
        if (mail_reply && mail_reply->klass() == 2 && co_await put(rcpt, "rcpt", "RCPT TO")) {
            rcpt_reply = co_await get("rcpt", "RCPT TO");
        }
        if (rcpt_reply && rcpt_reply->klass() == 2 && co_await put("DATA\r\n", "data", "DATA")) {
            data_reply = co_await get("data", "DATA");
        }
    }

    if (!mail_reply) {
        out.result = io_failure_;
        // A session that died while idle shows up here: closed, not slow.
        out.stale = !transport_.timed_out();
        co_return out;
    }
    if (mail_reply->code == 421) out.stale = true;
    const bool in_data = data_reply && data_reply->code == 354;
    if (mail_reply->klass() != 2) {
        out.result = refusal(*mail_reply, "mail");
    } else if (!rcpt_reply) {
        out.result = io_failure_;
    } else if (rcpt_reply->klass() != 2) {
        out.result = refusal(*rcpt_reply, "rcpt");
    } else if (!data_reply) {
        out.result = io_failure_;
    } else if (!in_data) {
        out.result = refusal(*data_reply, "data");
    } else {
        // The body is what the server is waiting for now.
        if (!co_await put_body(job, out)) co_return out;
        std::optional<ServerReply> end = co_await get("dot", "the end of data (\".\")");
        out.result = end ? final_reply(*end) : io_failure_;
        co_return out;
    }

    // The transaction failed before the body. A server that accepted DATA although MAIL or RCPT
    // failed is waiting for data: RFC 2920 3.1 says to send just "." (it then refuses it).
    if (in_data && session_) {
        if (co_await put(".\r\n", "data", "\".\"")) (void)co_await get("data", "\".\"");
    }
    if (session_) co_await rset();
    co_return out;
}

awaitable<bool> RelayConnection::put_body(const Job& job, Outcome& out) {
    // With a commit gate the final "." goes separately, once the caller has recorded
    // the point of no return.
    const std::string_view wire(job.message.wire);
    if (!job.before_dot) {
        if (co_await put(wire, "dot", "the message")) co_return true;
        out.result = io_failure_;
        co_return false;
    }
    if (!co_await put(wire.substr(0, wire.size() - 3), "dot", "the message")) {
        out.result = io_failure_;
        co_return false;
    }
    const bool proceed = co_await pass_gate(job);
    if (!proceed) {
        drop();  // in DATA, only closing the connection withdraws the message
        out.result.status = DeliveryResult::Status::Deferred;
        out.result.stage = "dot";
        out.result.text = "withdrawn before the final dot (the commit could not be recorded)";
        co_return false;
    }
    if (co_await put(".\r\n", "dot", "the final \".\"")) co_return true;
    out.result = io_failure_;
    co_return false;
}

awaitable<bool> RelayConnection::pass_gate(const Job& job) {
    // The gate answers from any thread: its answer is stored, then a timer on this
    // connection's strand is cancelled to resume the coroutine here.
    struct Answer {
        explicit Answer(const boost::asio::any_io_executor& ex)
            : timer(ex, boost::asio::steady_timer::time_point::max()) {}
        boost::asio::steady_timer timer;
        std::atomic<int> value{-1};
    };
    auto answer = std::make_shared<Answer>(strand_);
    job.before_dot([answer](bool proceed) {
        answer->value = proceed ? 1 : 0;
        boost::asio::post(answer->timer.get_executor(), [answer] { answer->timer.cancel(); });
    });
    if (answer->value < 0) {
        boost::system::error_code ec;
        co_await answer->timer.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return answer->value == 1;
}

awaitable<void> RelayConnection::rset() {
    // Clears whatever MAIL/RCPT left behind so the session can carry the next message; a
    // session that cannot even do that is not worth keeping.
    if (!co_await put("RSET\r\n", "mail", "RSET")) co_return;
    std::optional<ServerReply> reply = co_await get("mail", "RSET");
    if (reply && reply->klass() != 2) co_await quit();
}

}  // namespace cis::smtp::detail
