// The relay client's pure wire encodings: dot-stuffing, line ends, envelope checks, MAIL/RCPT
// parameters and SASL.
#include <gtest/gtest.h>

#include <string>

#include "smtp/client_auth.hpp"
#include "smtp/client_message.hpp"

namespace cis::smtp {
namespace {

TEST(SmtpClientMessage, DotStuffingAndTerminator) {
    const std::string in = "Subject: x\r\n\r\n.leading\r\n..two\r\n.\r\nend\r\n";
    const WireMessage m = prepare_message(in);
    EXPECT_EQ(m.wire, "Subject: x\r\n\r\n..leading\r\n...two\r\n..\r\nend\r\n.\r\n");
    EXPECT_EQ(m.size, in.size());  // stuffing and the final "." are not counted
    EXPECT_FALSE(m.eight_bit);
}

TEST(SmtpClientMessage, FirstLineDotAndMissingFinalCrlf) {
    EXPECT_EQ(prepare_message(".x").wire, "..x\r\n.\r\n");
    EXPECT_EQ(prepare_message(".x").size, 4u);
    EXPECT_EQ(prepare_message("").wire, ".\r\n");
    EXPECT_EQ(prepare_message("").size, 0u);
    EXPECT_EQ(prepare_message("a.b\r\n").wire, "a.b\r\n.\r\n");  // only at a line start
}

TEST(SmtpClientMessage, BareCrAndLfBecomeCrlfSoNothingCanEndDataEarly) {
    // Each of these could end the data (or start a second message) at some server.
    EXPECT_EQ(prepare_message("a\n.\nb").wire, "a\r\n..\r\nb\r\n.\r\n");
    EXPECT_EQ(prepare_message("a\r.\rb\r\n").wire, "a\r\n..\r\nb\r\n.\r\n");
    EXPECT_EQ(prepare_message("a\r\n.\nMAIL FROM:<x@y>\r\n").wire,
              "a\r\n..\r\nMAIL FROM:<x@y>\r\n.\r\n");
    EXPECT_EQ(prepare_message("a\n\r\nb\r\n").wire, "a\r\n\r\nb\r\n.\r\n");
}

TEST(SmtpClientMessage, EightBitDetection) {
    EXPECT_TRUE(prepare_message("Subject: Gr\xc3\xbc\xc3\x9f"
                                "e\r\n")
                    .eight_bit);
    EXPECT_FALSE(prepare_message("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n").eight_bit);
}

TEST(SmtpClientMessage, AddressChecks) {
    EXPECT_EQ(address_problem("alice@example.org", false), "");
    EXPECT_EQ(address_problem("jörg@bücher.example", false), "");
    EXPECT_EQ(address_problem("\"john doe\"@example.org", false), "");
    EXPECT_EQ(address_problem("", true), "");
    EXPECT_NE(address_problem("", false), "");
    EXPECT_NE(address_problem("a@b>\r\nRCPT TO:<evil@x", false), "");
    EXPECT_NE(address_problem("a@b\nc", false), "");
    EXPECT_NE(address_problem("a@b> SIZE=1", false), "");
    EXPECT_NE(address_problem("nobody", false), "");
    EXPECT_NE(address_problem("@example.org", false), "");
    EXPECT_NE(address_problem("alice@", false), "");
    EXPECT_NE(address_problem(std::string(250, 'a') + "@b.cd", false), "");
}

TEST(SmtpClientMessage, Commands) {
    EXPECT_EQ(mail_command("a@b.c", MailParams{}), "MAIL FROM:<a@b.c>\r\n");
    EXPECT_EQ(mail_command("", MailParams{}), "MAIL FROM:<>\r\n");
    MailParams p;
    p.size = 1234;
    p.eight_bit = true;
    p.smtputf8 = true;
    EXPECT_EQ(mail_command("a@b.c", p), "MAIL FROM:<a@b.c> SIZE=1234 BODY=8BITMIME SMTPUTF8\r\n");
    EXPECT_EQ(rcpt_command("d@e.f"), "RCPT TO:<d@e.f>\r\n");
}

TEST(SmtpClientSasl, Base64AndPlain) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    // RFC 4616's example: authcid "tim", password "tanstaaftanstaaf".
    EXPECT_EQ(auth_plain_command("tim", "tanstaaftanstaaf"),
              "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
}

}  // namespace
}  // namespace cis::smtp
