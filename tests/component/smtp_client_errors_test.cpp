// The SMTP relay client against a scripted aiosmtpd server that refuses, fails, hangs up,
// stalls or talks garbage: every case ends in the right DeliveryResult, and no send hangs.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/relay_fixture.hpp"

namespace cis::test {
namespace {

// Every test runs against a server with and without PIPELINING (the client's two paths).
class SmtpClientErrors : public RelayFixture, public ::testing::WithParamInterface<bool> {
  protected:
    unsigned short Start(std::vector<std::string> args = {}) {
        if (GetParam()) args.push_back("--pipelining");
        return StartScripted(args);
    }
};

INSTANTIATE_TEST_SUITE_P(Pipelining, SmtpClientErrors, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "On" : "Off"; });

TEST_P(SmtpClientErrors, TemporaryFailureThenSuccess) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    DeliveryResult r = Send("tempfail-once@example.com", Message("retry me"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.code, 451);
    EXPECT_EQ(r.enhanced, "4.3.0");
    EXPECT_EQ(r.text, "Temporary local problem, try again later");
    EXPECT_EQ(r.stage, "dot");
    r = Send("tempfail-once@example.com", Message("retry me"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.enhanced, "2.0.0");
    EXPECT_EQ(r.text, "Ok: queued");
    EXPECT_EQ(client_->sessions_opened(), 1u);
}

TEST_P(SmtpClientErrors, RecipientRefusedFailsThatMessageOnly) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    EXPECT_EQ(Send("before@example.com", Message("before")).status, Status::Sent);
    const DeliveryResult r = Send("unknown@example.com", Message("nobody"));
    EXPECT_EQ(r.status, Status::Failed) << describe(r);
    EXPECT_EQ(r.code, 550);
    EXPECT_EQ(r.enhanced, "5.1.1");
    EXPECT_EQ(r.stage, "rcpt");
    EXPECT_NE(r.text.find("Recipient address rejected"), std::string::npos) << r.text;
    EXPECT_EQ(Send("after@example.com", Message("after")).status, Status::Sent);

    const auto records = Records();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]["peer"], records[1]["peer"]);  // the same connection throughout
    EXPECT_EQ(client_->sessions_opened(), 1u);
}

TEST_P(SmtpClientErrors, SenderRefusedFailsThatMessageOnly) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult r = Send("a@example.com", Message("blocked"), "blocked@cis.example");
    EXPECT_EQ(r.status, Status::Failed) << describe(r);
    EXPECT_EQ(r.code, 553);
    EXPECT_EQ(r.enhanced, "5.7.1");
    EXPECT_EQ(r.stage, "mail");
    EXPECT_EQ(r.text, "<blocked@cis.example>: Sender address rejected: not allowed");
    EXPECT_EQ(Send("b@example.com", Message("fine")).status, Status::Sent);
    EXPECT_EQ(client_->sessions_opened(), 1u);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["mail_from"], "organizer@cis.example");
}

TEST_P(SmtpClientErrors, RefusedAtEndOfData) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult r = Send("full@example.com", Message("big"));
    EXPECT_EQ(r.status, Status::Failed) << describe(r);
    EXPECT_EQ(r.code, 552);
    EXPECT_EQ(r.enhanced, "5.3.4");
    EXPECT_EQ(r.stage, "dot");
    EXPECT_EQ(Send("next@example.com", Message("next")).status, Status::Sent);
    EXPECT_EQ(client_->sessions_opened(), 1u);
}

TEST_P(SmtpClientErrors, ServiceClosingDefersAndReconnects) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult r = Send("closing@example.com", Message("421"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.code, 421);
    EXPECT_EQ(r.stage, "rcpt");
    EXPECT_EQ(Send("next@example.com", Message("next")).status, Status::Sent);
    EXPECT_EQ(client_->sessions_opened(), 2u);
}

TEST_P(SmtpClientErrors, ConnectionDroppedMidDataDefersAndReconnects) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    std::string body;
    for (int i = 0; i < 20000; ++i) body += "a line of a long message that will not arrive\r\n";
    const DeliveryResult r = Send("drop-data@example.com", Message("dropped", body));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.stage, "dot");
    EXPECT_FALSE(r.text.empty());
    const DeliveryResult next = Send("next@example.com", Message("next"));
    EXPECT_EQ(next.status, Status::Sent) << describe(next);
    EXPECT_EQ(client_->sessions_opened(), 2u);
    EXPECT_EQ(Records().size(), 1u);
}

TEST_P(SmtpClientErrors, UnansweredEndOfDataTimesOut) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = Options(port);
    o.command_timeout = 1s;
    StartClient(o);
    const auto start = std::chrono::steady_clock::now();
    const DeliveryResult r = Send("stall@example.com", Message("stall"));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "dot");
    EXPECT_NE(r.text.find("timed out after 1 s"), std::string::npos) << r.text;
    EXPECT_EQ(Send("next@example.com", Message("next")).status, Status::Sent);
}

TEST_P(SmtpClientErrors, SizeLimitFailsFastWithoutSending) {
    const unsigned short port = Start({"--size", "10000"});
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult big = Send("a@example.com", Message("big", std::string(20000, 'x')));
    EXPECT_EQ(big.status, Status::Failed) << describe(big);
    EXPECT_EQ(big.code, 0);
    EXPECT_EQ(big.enhanced, "5.3.4");
    EXPECT_EQ(big.stage, "mail");
    EXPECT_NE(big.text.find("10000 bytes SIZE limit"), std::string::npos) << big.text;
    const std::string small_msg = Message("small");
    EXPECT_EQ(Send("b@example.com", small_msg).status, Status::Sent);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["mail_options"][0], "SIZE=" + std::to_string(small_msg.size()));
}

TEST_P(SmtpClientErrors, EightBitBodyDeclaredWhenOffered) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const std::string eight = Message("caf\xc3\xa9",
                                      "Gr\xc3\xbc\xc3\x9f"
                                      "e\r\n");
    EXPECT_EQ(Send("a@example.com", eight).status, Status::Sent);
    EXPECT_EQ(Send("b@example.com", Message("plain")).status, Status::Sent);
    const auto records = Records();
    ASSERT_EQ(records.size(), 2u);
    const auto has = [](const nlohmann::json& opts, const std::string& o) {
        return std::find(opts.begin(), opts.end(), o) != opts.end();
    };
    EXPECT_TRUE(has(records[0]["mail_options"], "BODY=8BITMIME")) << records[0];
    EXPECT_EQ(Data(records[0]), eight);
    EXPECT_FALSE(has(records[1]["mail_options"], "BODY=8BITMIME")) << records[1];
}

const std::string kUtf8Rcpt =
    "j\xc3\xb6rg@b\xc3\xbc"
    "cher.example";

TEST_P(SmtpClientErrors, NonAsciiAddressSentWithSmtputf8) {
    const unsigned short port = Start({"--smtputf8"});
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult r = Send(kUtf8Rcpt, Message("utf8"));
    EXPECT_EQ(r.status, Status::Sent) << describe(r);
    const auto records = Records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["rcpts"][0], kUtf8Rcpt);
    EXPECT_NE(records[0]["mail_options"].dump().find("SMTPUTF8"), std::string::npos);
}

TEST_P(SmtpClientErrors, NonAsciiAddressFailsWithoutSmtputf8) {
    const unsigned short port = Start();
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult r = Send(kUtf8Rcpt, Message("utf8"));
    EXPECT_EQ(r.status, Status::Failed) << describe(r);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.enhanced, "5.6.7");
    EXPECT_EQ(r.stage, "mail");
    EXPECT_NE(r.text.find("does not offer SMTPUTF8"), std::string::npos) << r.text;
    EXPECT_EQ(Send("ascii@example.com", Message("ascii")).status, Status::Sent);
}

// ---------------------------------------------------------------------------------------------
// Servers that are not there or not SMTP.

using SmtpClientBroken = RelayFixture;

TEST_F(SmtpClientBroken, ConnectionRefusedDefersEverythingQueued) {
    StartClient(Options(free_loopback_port()));
    Results results(20);
    for (std::size_t i = 0; i < 20; ++i)
        client_->send({"a@cis.example", "b@example.com"}, Message("x"), results.callback(i));
    ASSERT_TRUE(results.wait(20s));
    for (std::size_t i = 0; i < 20; ++i) {
        const DeliveryResult r = results.at(i);
        EXPECT_EQ(r.status, Status::Deferred) << describe(r);
        EXPECT_EQ(r.code, 0);
        EXPECT_EQ(r.stage, "connect");
        EXPECT_NE(r.text.find("Connection refused"), std::string::npos) << r.text;
    }
}

TEST_F(SmtpClientBroken, SilentServerTimesOut) {
    const unsigned short port = StartScripted({"--mode", "silent"});
    ASSERT_NE(port, 0);
    smtp::RelayOptions o = Options(port);
    o.command_timeout = 1s;
    StartClient(o);
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "connect");
    EXPECT_NE(r.text.find("timed out after 1 s"), std::string::npos) << r.text;
}

TEST_F(SmtpClientBroken, GarbageGreetingDefers) {
    const unsigned short port = StartScripted({"--mode", "garbage"});
    ASSERT_NE(port, 0);
    StartClient(Options(port));
    const DeliveryResult r = Send("a@example.com", Message("x"));
    EXPECT_EQ(r.status, Status::Deferred) << describe(r);
    EXPECT_EQ(r.stage, "connect");
    EXPECT_NE(r.text.find("not an SMTP reply: \"hello there\""), std::string::npos) << r.text;
}

}  // namespace
}  // namespace cis::test
