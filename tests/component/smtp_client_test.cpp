// The SMTP relay client against Postfix's smtp-sink (exact bytes, many messages over a pool of
// pipelined connections) and against the scripted aiosmtpd server (connection reuse,
// reconnection, close()). Real servers on loopback only.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/relay_fixture.hpp"

namespace cis::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSmtpSink = "/usr/sbin/smtp-sink";

// What smtp-sink dumped for one message: the envelope it saw and the message as stored (it
// writes lines with LF endings, dot-unstuffed, and adds an empty line at the end).
struct Dump {
    std::string mail_args, rcpt_args, content;
};

Dump read_dump(const fs::path& file) {
    const std::string text = read_file(file);
    Dump d;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        const std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.starts_with("X-Mail-Args: ")) d.mail_args = line.substr(13);
        if (line.starts_with("X-Rcpt-Args: ")) d.rcpt_args = line.substr(13);
        if (line.starts_with("Received: ")) {
            // Its continuation lines start with a tab; the message follows.
            while (pos < text.size() && text[pos] == '\t') pos = text.find('\n', pos) + 1;
            d.content = text.substr(pos);
            break;
        }
    }
    return d;
}

// `message` as smtp-sink stores it.
std::string as_dumped(const std::string& message) {
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;
        out += message[i];
    }
    return out + "\n";
}

class SmtpClientSink : public RelayFixture {
  protected:
    // Starts smtp-sink on a free port, dumping every message into its own file.
    unsigned short StartSink() {
        if (!fs::exists(kSmtpSink)) return 0;
        dump_dir_ = dir_.path / "dump";
        fs::create_directories(dump_dir_);
        std::vector<std::string> argv = {kSmtpSink};
        if (geteuid() == 0) {
            // smtp-sink refuses to run as root; as "nobody" it must be able to write the dumps.
            argv.insert(argv.end(), {"-u", "nobody"});
            chmod(dir_.path.c_str(), 0711);
            chmod(dump_dir_.c_str(), 0777);
        }
        const unsigned short port = free_loopback_port();
        argv.insert(argv.end(), {"-d", (dump_dir_ / "m.").string(),
                                 "127.0.0.1:" + std::to_string(port), "128"});
        server_.start(argv, dir_.path / "server.log");
        if (!wait_for_port(port, 10s)) {
            ADD_FAILURE() << "smtp-sink did not start: " << ServerLog();
            return 0;
        }
        return port;
    }

    // Waits until smtp-sink has written `n` dump files, then reads them.
    std::vector<Dump> Dumps(std::size_t n) {
        std::vector<fs::path> files;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            files = files_in(dump_dir_);
            if (files.size() >= n) break;
            std::this_thread::sleep_for(20ms);
        }
        std::this_thread::sleep_for(100ms);  // a late extra file would be a duplicate: see it
        files = files_in(dump_dir_);
        std::vector<Dump> dumps;
        for (const auto& f : files) dumps.push_back(read_dump(f));
        return dumps;
    }

    fs::path dump_dir_;
};

#define REQUIRE_SMTP_SINK()                                                                      \
    do {                                                                                         \
        if (!fs::exists(kSmtpSink))                                                              \
            GTEST_SKIP() << kSmtpSink << " missing (Debian package postfix; ./dev installs it)"; \
    } while (0)

TEST_F(SmtpClientSink, DeliversExactBytesDotStuffedAndEightBit) {
    REQUIRE_SMTP_SINK();
    const unsigned short port = StartSink();
    ASSERT_NE(port, 0);
    StartClient(Options(port));

    const std::string eight_bit = Message(
        "Gr\xc3\xbc\xc3\x9f"
        "e \xe6\x97\xa5\xe6\x9c\xac",
        ".leading dot\r\n..two dots\r\n.\r\n"
        "caf\xc3\xa9 \xe2\x82\xac\r\n. space\r\nlast\r\n");
    const std::string seven_bit = Message("ASCII only", "a line\r\n.\r\n");
    const std::string no_final_crlf = Message("no final CRLF", "end without newline");
    EXPECT_EQ(Send("eight@example.com", eight_bit).status, Status::Sent);
    EXPECT_EQ(Send("seven@example.com", seven_bit).status, Status::Sent);
    const DeliveryResult r = Send("nocrlf@example.com", no_final_crlf, "");
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.stage, "dot");

    std::map<std::string, Dump> by_rcpt;
    for (Dump& d : Dumps(3)) by_rcpt[d.rcpt_args] = std::move(d);
    ASSERT_EQ(by_rcpt.size(), 3u);
    EXPECT_EQ(by_rcpt["<eight@example.com>"].content, as_dumped(eight_bit));
    EXPECT_EQ(by_rcpt["<eight@example.com>"].mail_args, "<organizer@cis.example> BODY=8BITMIME");
    EXPECT_EQ(by_rcpt["<seven@example.com>"].content, as_dumped(seven_bit));
    EXPECT_EQ(by_rcpt["<seven@example.com>"].mail_args, "<organizer@cis.example>");
    EXPECT_EQ(by_rcpt["<nocrlf@example.com>"].content, as_dumped(no_final_crlf + "\r\n"));
    EXPECT_EQ(by_rcpt["<nocrlf@example.com>"].mail_args, "<>");
    EXPECT_EQ(client_->sessions_opened(), 1u);  // one connection carried all three
    EXPECT_TRUE(server_.running()) << ServerLog();
}

// An invitation-sized message, different for each i, with dot lines and UTF-8.
std::string numbered_message(std::size_t i) {
    std::string body = "Hello user " + std::to_string(i) + ",\r\n.\r\n..two dots\r\n.leading " +
                       std::to_string(i) + "\r\nUTF-8: \xe6\x97\xa5\xe6\x9c\xac caf\xc3\xa9\r\n";
    for (std::size_t line = 0; line < 10 + i % 30; ++line)
        body += "Line " + std::to_string(line) + " of message " + std::to_string(i) +
                ": some text to make it invitation-sized\r\n";
    return "From: organizer@cis.example\r\nTo: user-" + std::to_string(i) +
           "@example.com\r\nSubject: Invitation " + std::to_string(i) + "\r\n\r\n" + body;
}

TEST_F(SmtpClientSink, ThousandMessagesOverFourConnectionsEachDeliveredOnce) {
    REQUIRE_SMTP_SINK();
    const unsigned short port = StartSink();
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = Options(port);
    o.connections = 4;
    StartClient(o);

    constexpr std::size_t kCount = 1000;
    Results results(kCount);
    std::size_t max_active = 0;
    for (std::size_t i = 0; i < kCount; ++i) {
        client_->send({"organizer@cis.example", "user-" + std::to_string(i) + "@example.com"},
                      numbered_message(i), results.callback(i));
        max_active = std::max(max_active, client_->active_connections());
    }
    ASSERT_TRUE(results.wait(120s)) << "not every send completed";
    for (std::size_t i = 0; i < kCount; ++i) {
        ASSERT_EQ(results.calls(i), 1u) << "done() calls for message " << i;
        ASSERT_EQ(results.at(i).status, Status::Sent) << i << ": " << describe(results.at(i));
    }
    EXPECT_EQ(client_->sessions_opened(), 4u);
    EXPECT_LE(max_active, 4u);

    const std::vector<Dump> dumps = Dumps(kCount);
    ASSERT_EQ(dumps.size(), kCount);
    std::set<std::size_t> seen;
    for (const Dump& d : dumps) {
        // "<user-N@example.com>"
        const std::size_t i = std::stoul(d.rcpt_args.substr(6));
        EXPECT_TRUE(seen.insert(i).second) << "message " << i << " delivered twice";
        EXPECT_EQ(d.content, as_dumped(numbered_message(i))) << "message " << i;
    }
    EXPECT_EQ(seen.size(), kCount);
    EXPECT_TRUE(server_.running()) << ServerLog();
}

// ---------------------------------------------------------------------------------------------
// Pool behaviour, observed through the scripted server's record of each message's connection.

using SmtpClientPool = RelayFixture;

TEST_F(SmtpClientPool, RotatesConnectionsAfterMaxMessages) {
    const unsigned short port = StartScripted({"--pipelining"});
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = Options(port);
    o.max_messages_per_connection = 2;
    StartClient(o);
    for (int i = 0; i < 5; ++i) {
        const DeliveryResult r = Send("user" + std::to_string(i) + "@example.com", Message("m"));
        EXPECT_EQ(r.status, Status::Sent) << describe(r);
    }
    const auto records = Records();
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(records[0]["peer"], records[1]["peer"]);
    EXPECT_NE(records[1]["peer"], records[2]["peer"]);
    EXPECT_EQ(records[2]["peer"], records[3]["peer"]);
    EXPECT_NE(records[3]["peer"], records[4]["peer"]);
    EXPECT_EQ(client_->sessions_opened(), 3u);
}

TEST_F(SmtpClientPool, ServerClosedIdleConnectionIsReplacedTransparently) {
    const unsigned short port = StartScripted({"--timeout", "1"});  // server idle timeout 1 s
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    EXPECT_EQ(Send("first@example.com", Message("one")).status, Status::Sent);
    std::this_thread::sleep_for(2500ms);  // the server hangs up meanwhile
    const DeliveryResult r = Send("second@example.com", Message("two"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    EXPECT_EQ(client_->sessions_opened(), 2u);
    EXPECT_EQ(Records().size(), 2u);
}

TEST_F(SmtpClientPool, IdleConnectionsAreClosed) {
    const unsigned short port = StartScripted({});
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = Options(port);
    o.idle_close = 1s;
    StartClient(o);
    EXPECT_EQ(Send("a@example.com", Message("a")).status, Status::Sent);
    EXPECT_EQ(client_->active_connections(), 1u);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (client_->active_connections() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(client_->active_connections(), 0u);
    EXPECT_EQ(Send("b@example.com", Message("b")).status, Status::Sent);  // reconnects
    EXPECT_EQ(client_->sessions_opened(), 2u);
}

TEST_F(SmtpClientPool, CloseDefersQueuedMessagesAndLaterSends) {
    const unsigned short port = StartScripted({});
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = Options(port);
    o.command_timeout = 2s;
    StartClient(o);
    // The first message holds the only connection (the server never answers its "."), so the
    // other five wait in the queue when close() comes.
    Results results(6);
    client_->send({"organizer@cis.example", "stall@example.com"}, Message("stall"),
                  results.callback(0));
    for (std::size_t i = 1; i < 6; ++i)
        client_->send({"organizer@cis.example", "q@example.com"}, Message("q"),
                      results.callback(i));
    std::this_thread::sleep_for(300ms);
    client_->close();
    ASSERT_TRUE(results.wait(20s));
    for (std::size_t i = 1; i < 6; ++i) {
        EXPECT_EQ(results.at(i).status, Status::Deferred);
        EXPECT_NE(results.at(i).text.find("closed"), std::string::npos) << results.at(i).text;
    }
    const DeliveryResult stalled = results.at(0);
    EXPECT_EQ(stalled.status, Status::Deferred) << describe(stalled);
    EXPECT_EQ(stalled.stage, "dot");
    EXPECT_NE(stalled.text.find("timed out after 2 s"), std::string::npos) << stalled.text;

    const DeliveryResult late = Send("late@example.com", Message("late"));
    EXPECT_EQ(late.status, Status::Deferred);
    EXPECT_TRUE(Records().empty());
}

TEST_F(SmtpClientPool, BadEnvelopeFailsWithoutConnecting) {
    StartClient(Options(free_loopback_port()));  // nothing listens there
    DeliveryResult r = Send("victim@example.com>\r\nRCPT TO:<other@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Failed) << describe(r);
    EXPECT_EQ(r.enhanced, "5.1.3");
    EXPECT_EQ(r.stage, "rcpt");
    r = Send("ok@example.com", Message("x"), "no-at-sign");
    EXPECT_EQ(r.status, Status::Failed) << describe(r);
    EXPECT_EQ(r.enhanced, "5.1.7");
    EXPECT_EQ(client_->sessions_opened(), 0u);
    EXPECT_EQ(client_->active_connections(), 0u);
}

}  // namespace
}  // namespace cis::test
