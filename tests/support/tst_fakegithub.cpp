// Checks the loopback test servers themselves (FakeGitHub and WebhookReceiver) over real HTTP
// with QNetworkAccessManager, so that the tests built on them can trust them.
#include "fakegithub.h"
#include "webhookreceiver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

struct Response {
    bool finished = false;
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        return std::any_of(headers.cbegin(), headers.cend(), [&name](const auto &pair) {
            return pair.first.compare(name, Qt::CaseInsensitive) == 0;
        });
    }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
};

QList<int> numbers(const QJsonArray &items)
{
    QList<int> result;
    for (const QJsonValue &item : items)
        result.append(item.toObject().value(u"number"_s).toInt());
    return result;
}

QString nextLink(const QByteArray &link)
{
    static const QRegularExpression next(uR"(<([^>]+)>; rel="next")"_s);
    return next.match(QString::fromUtf8(link)).captured(1);
}

const QByteArray notFoundBody =
        R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest"})";

} // namespace

class TestFakeGitHub : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void firstPageAndLinkFormat();
    void followNextLinksToTheEnd();
    void linksKeepOtherParameters();
    void noLinkWhenOnePage();
    void stateFilter();
    void perPageDefaultAndCap();
    void pullRequestsAreMarked();
    void itemsPointAtTheirRepository();
    void rateLimitHeaders();
    void conditionalRequest();
    void contributorsPaginate();
    void emptyContributorsAnswer204();
    void notFound_data();
    void notFound();
    void userLookup();
    void caseInsensitiveOwnerAndRepository();
    void failNextRequests();
    void failNextRequestsWithRateLimit();
    void recordsRequests();
    void responseDelay();
    void delayedAnswerToVanishedClient();
    void destroyedWithAnswersPending();
    void generatedRepository();
    void listenFailureIsReported();

    void receiverRecordsDeliveries();
    void receiverFailures();
    void receiverRefusesOtherMethods();
    void receiverDelay();

private:
    Response get(const QString &pathAndQuery, const QList<QPair<QByteArray, QByteArray>> &headers
                                              = {});
    Response getUrl(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Response post(const QUrl &url, const QByteArray &body);
    Response wait(QNetworkReply *reply);
    QString link(const QString &collection, const QString &query) const;

    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<FakeGitHub> m_gitHub;
    std::unique_ptr<WebhookReceiver> m_receiver;
};

void TestFakeGitHub::init()
{
    m_network = std::make_unique<QNetworkAccessManager>();
    m_gitHub = std::make_unique<FakeGitHub>();
    m_receiver = std::make_unique<WebhookReceiver>();
    QVERIFY(m_gitHub->listen());
    QVERIFY(m_receiver->listen());

    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"hello-world"_s;
    repository.id = 4242;
    repository.issues = {
        FakeGitHub::makeIssue(7, u"Crash on start"_s, u"alice"_s, { u"bug"_s, u"café ☕"_s }),
        FakeGitHub::makePullRequest(6, u"Fix the crash"_s, u"bob"_s),
        FakeGitHub::makeIssue(5, u"Old bug"_s, u"alice"_s, {}, u"closed"_s),
        FakeGitHub::makeIssue(4, u"From a deleted account"_s, {}),
        FakeGitHub::makePullRequest(3, u"Merged change"_s, u"bob"_s, {}, u"closed"_s),
        FakeGitHub::makeIssue(2, u"Second"_s, u"bob"_s),
        FakeGitHub::makeIssue(1, u"First"_s, u"alice"_s),
    };
    repository.contributors = {
        FakeGitHub::makeContributor(u"alice"_s, 42),
        FakeGitHub::makeContributor(u"bob"_s, 7),
    };
    QCOMPARE(m_gitHub->addRepository(repository), 4242);

    FakeRepository empty;
    empty.owner = u"octo-org"_s;
    empty.name = u"empty"_s;
    empty.id = 5000;
    m_gitHub->addRepository(empty);

    m_gitHub->addUser(u"alice"_s, u"Alice Liddell"_s);
    m_gitHub->addUser(u"bob"_s, QJsonValue::Null);
}

void TestFakeGitHub::cleanup()
{
    m_receiver.reset();
    m_gitHub.reset();
    m_network.reset();
}

void TestFakeGitHub::firstPageAndLinkFormat()
{
    const Response page = get(u"/repos/octo-org/hello-world/issues?state=all&per_page=3"_s);

    QVERIFY(page.finished);
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("content-type"), "application/json; charset=utf-8");
    QCOMPARE(numbers(page.array()), QList<int>({ 7, 6, 5 }));
    const QString expected = link(u"issues"_s, u"state=all&per_page=3&page=2"_s)
            + u"; rel=\"next\", "_s + link(u"issues"_s, u"state=all&per_page=3&page=3"_s)
            + u"; rel=\"last\""_s;
    QCOMPARE(QString::fromUtf8(page.header("link")), expected);
    QVERIFY(page.header("etag").startsWith('"'));
}

void TestFakeGitHub::followNextLinksToTheEnd()
{
    QList<int> seen;
    QList<QByteArray> links;
    Response page = get(u"/repos/octo-org/hello-world/issues?state=all&per_page=3"_s);
    while (true) {
        QVERIFY(page.finished);
        QCOMPARE(page.status, 200);
        seen += numbers(page.array());
        links.append(page.header("link"));
        const QString next = nextLink(page.header("link"));
        if (next.isEmpty())
            break;
        page = getUrl(QUrl(next));
    }

    QCOMPARE(seen, QList<int>({ 7, 6, 5, 4, 3, 2, 1 }));
    QCOMPARE(links.size(), 3);
    const QString middle = link(u"issues"_s, u"state=all&per_page=3&page=1"_s)
            + u"; rel=\"prev\", "_s + link(u"issues"_s, u"state=all&per_page=3&page=3"_s)
            + u"; rel=\"next\", "_s + link(u"issues"_s, u"state=all&per_page=3&page=3"_s)
            + u"; rel=\"last\", "_s + link(u"issues"_s, u"state=all&per_page=3&page=1"_s)
            + u"; rel=\"first\""_s;
    QCOMPARE(QString::fromUtf8(links.at(1)), middle);
    const QString last = link(u"issues"_s, u"state=all&per_page=3&page=2"_s)
            + u"; rel=\"prev\", "_s + link(u"issues"_s, u"state=all&per_page=3&page=1"_s)
            + u"; rel=\"first\""_s;
    QCOMPARE(QString::fromUtf8(links.at(2)), last);

    const QList<FakeGitHub::RecordedRequest> requests = m_gitHub->requests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests.at(0).pathAndQuery,
             u"/repos/octo-org/hello-world/issues?state=all&per_page=3"_s);
    QCOMPARE(requests.at(1).pathAndQuery,
             u"/repositories/4242/issues?state=all&per_page=3&page=2"_s);
    QCOMPARE(requests.at(2).pathAndQuery,
             u"/repositories/4242/issues?state=all&per_page=3&page=3"_s);
}

void TestFakeGitHub::linksKeepOtherParameters()
{
    const Response page =
            get(u"/repositories/4242/issues?page=2&per_page=2&state=all&labels=caf%C3%A9"_s);

    QCOMPARE(page.status, 200);
    QCOMPARE(numbers(page.array()), QList<int>({ 5, 4 }));
    const QString query = u"per_page=2&state=all&labels=caf%C3%A9&page=%1"_s;
    const QString expected = link(u"issues"_s, query.arg(1)) + u"; rel=\"prev\", "_s
            + link(u"issues"_s, query.arg(3)) + u"; rel=\"next\", "_s
            + link(u"issues"_s, query.arg(4)) + u"; rel=\"last\", "_s
            + link(u"issues"_s, query.arg(1)) + u"; rel=\"first\""_s;
    QCOMPARE(QString::fromUtf8(page.header("link")), expected);

    const Response beyond = get(u"/repositories/4242/issues?state=all&per_page=2&page=9"_s);
    QCOMPARE(beyond.status, 200);
    QCOMPARE(beyond.body, "[]");
    const QString beyondLinks = link(u"issues"_s, u"state=all&per_page=2&page=8"_s)
            + u"; rel=\"prev\", "_s + link(u"issues"_s, u"state=all&per_page=2&page=1"_s)
            + u"; rel=\"first\""_s;
    QCOMPARE(QString::fromUtf8(beyond.header("link")), beyondLinks);
}

void TestFakeGitHub::noLinkWhenOnePage()
{
    const Response page = get(u"/repos/octo-org/hello-world/issues?state=all"_s);

    QCOMPARE(page.status, 200);
    QCOMPARE(page.array().size(), 7);
    QVERIFY(!page.hasHeader("link"));
}

void TestFakeGitHub::stateFilter()
{
    QCOMPARE(numbers(get(u"/repos/octo-org/hello-world/issues"_s).array()),
             QList<int>({ 7, 6, 4, 2, 1 }));
    QCOMPARE(numbers(get(u"/repos/octo-org/hello-world/issues?state=open"_s).array()),
             QList<int>({ 7, 6, 4, 2, 1 }));
    QCOMPARE(numbers(get(u"/repos/octo-org/hello-world/issues?state=closed"_s).array()),
             QList<int>({ 5, 3 }));
    QCOMPARE(get(u"/repos/octo-org/hello-world/issues?state=bogus"_s).status, 422);
}

void TestFakeGitHub::perPageDefaultAndCap()
{
    m_gitHub->addRepository(FakeGitHub::generateRepository(u"gen"_s, u"big"_s, 250, 0, 0, 77));

    const Response byDefault = get(u"/repos/gen/big/issues?state=all"_s);
    QCOMPARE(byDefault.array().size(), 30);
    const QString expected = link(u"issues"_s, u"state=all&page=2"_s).replace(u"4242"_s, u"77"_s)
            + u"; rel=\"next\", "_s
            + link(u"issues"_s, u"state=all&page=9"_s).replace(u"4242"_s, u"77"_s)
            + u"; rel=\"last\""_s;
    QCOMPARE(QString::fromUtf8(byDefault.header("link")), expected);

    const Response capped = get(u"/repos/gen/big/issues?state=all&per_page=500"_s);
    QCOMPARE(capped.array().size(), 100);
    QCOMPARE(numbers(capped.array()).first(), 250);
    QCOMPARE(numbers(capped.array()).last(), 151);
    QVERIFY(capped.header("link").endsWith("?state=all&per_page=500&page=3>; rel=\"last\""));

    const Response last = getUrl(QUrl(u"%1/repositories/77/issues?state=all&per_page=100&page=3"_s
                                              .arg(m_gitHub->baseUrl().toString())));
    QCOMPARE(last.array().size(), 50);
    QCOMPARE(numbers(last.array()).last(), 1);
}

void TestFakeGitHub::pullRequestsAreMarked()
{
    const QJsonArray items = get(u"/repos/octo-org/hello-world/issues?state=all"_s).array();
    QCOMPARE(items.size(), 7);

    QList<int> pullRequests;
    for (const QJsonValue &item : items) {
        if (item.toObject().contains(u"pull_request"_s))
            pullRequests.append(item.toObject().value(u"number"_s).toInt());
    }
    QCOMPARE(pullRequests, QList<int>({ 6, 3 }));

    const QJsonObject pull = items.at(1).toObject();
    QCOMPARE(pull.value(u"title"_s).toString(), u"Fix the crash"_s);
    QCOMPARE(pull.value(u"html_url"_s).toString(),
             u"https://github.com/octo-org/hello-world/pull/6"_s);
    const QJsonObject marker = pull.value(u"pull_request"_s).toObject();
    QCOMPARE(marker.value(u"url"_s).toString(),
             u"https://api.github.com/repos/octo-org/hello-world/pulls/6"_s);
    QVERIFY(marker.value(u"merged_at"_s).isNull());

    const QJsonObject issue = items.at(0).toObject();
    QCOMPARE(issue.value(u"number"_s).toInt(), 7);
    QCOMPARE(issue.value(u"state"_s).toString(), u"open"_s);
    QCOMPARE(issue.value(u"id"_s).toInteger(), 3'000'000'007);
    QCOMPARE(issue.value(u"url"_s).toString(),
             u"https://api.github.com/repos/octo-org/hello-world/issues/7"_s);
    QCOMPARE(issue.value(u"created_at"_s).toString(), u"2024-01-01T07:00:00Z"_s);
    const QJsonObject user = issue.value(u"user"_s).toObject();
    QCOMPARE(user.value(u"login"_s).toString(), u"alice"_s);
    QCOMPARE(user.value(u"id"_s).toInteger(), FakeGitHub::userId(u"alice"_s));
    QCOMPARE(user.value(u"type"_s).toString(), u"User"_s);
    const QJsonArray labels = issue.value(u"labels"_s).toArray();
    QCOMPARE(labels.size(), 2);
    QCOMPARE(labels.at(0).toObject().value(u"name"_s).toString(), u"bug"_s);
    QCOMPARE(labels.at(0).toObject().value(u"color"_s).toString(), u"d73a4a"_s);
    QCOMPARE(labels.at(0).toObject().value(u"default"_s).toBool(), true);
    QCOMPARE(labels.at(1).toObject().value(u"name"_s).toString(), u"café ☕"_s);
    QCOMPARE(labels.at(1).toObject().value(u"url"_s).toString(),
             u"https://api.github.com/repos/octo-org/hello-world/labels/caf%C3%A9%20%E2%98%95"_s);
    QVERIFY(!issue.contains(u"pull_request"_s));

    const QJsonObject orphan = items.at(3).toObject();
    QCOMPARE(orphan.value(u"number"_s).toInt(), 4);
    QVERIFY(orphan.value(u"user"_s).isNull());
    QCOMPARE(orphan.value(u"author_association"_s).toString(), u"NONE"_s);
}

void TestFakeGitHub::itemsPointAtTheirRepository()
{
    FakeRepository repository;
    repository.owner = u"acme"_s;
    repository.name = u"widgets"_s;
    repository.issues = { FakeGitHub::makePullRequest(9, u"Widget"_s, u"bob"_s, { u"bug"_s }) };
    const int id = m_gitHub->addRepository(repository);
    QCOMPARE(id, 100001);  // the first automatic id

    const QJsonObject item = get(u"/repos/acme/widgets/issues"_s).array().at(0).toObject();
    QCOMPARE(item.value(u"url"_s).toString(),
             u"https://api.github.com/repos/acme/widgets/issues/9"_s);
    QCOMPARE(item.value(u"repository_url"_s).toString(),
             u"https://api.github.com/repos/acme/widgets"_s);
    QCOMPARE(item.value(u"html_url"_s).toString(), u"https://github.com/acme/widgets/pull/9"_s);
    QCOMPARE(item.value(u"pull_request"_s).toObject().value(u"url"_s).toString(),
             u"https://api.github.com/repos/acme/widgets/pulls/9"_s);
    QCOMPARE(item.value(u"labels"_s).toArray().at(0).toObject().value(u"url"_s).toString(),
             u"https://api.github.com/repos/acme/widgets/labels/bug"_s);
}

void TestFakeGitHub::rateLimitHeaders()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const Response first = get(u"/repos/octo-org/hello-world/issues"_s);
    const Response second = get(u"/users/alice"_s);

    QCOMPARE(first.header("x-ratelimit-limit"), "5000");
    QCOMPARE(first.header("x-ratelimit-remaining"), "4999");
    QCOMPARE(first.header("x-ratelimit-used"), "1");
    QCOMPARE(first.header("x-ratelimit-resource"), "core");
    QVERIFY(first.header("x-ratelimit-reset").toLongLong() > now);
    QCOMPARE(second.header("x-ratelimit-remaining"), "4998");
    QCOMPARE(second.header("x-ratelimit-used"), "2");
}

void TestFakeGitHub::conditionalRequest()
{
    const Response first = get(u"/repos/octo-org/hello-world/issues"_s);
    const QByteArray etag = first.header("etag");
    QCOMPARE(etag.size(), 34);  // a quoted MD5

    const Response again =
            get(u"/repos/octo-org/hello-world/issues"_s, { { "If-None-Match", etag } });
    QCOMPARE(again.status, 304);
    QVERIFY(again.body.isEmpty());
    QCOMPARE(again.header("etag"), etag);
}

void TestFakeGitHub::contributorsPaginate()
{
    const Response page = get(u"/repos/octo-org/hello-world/contributors?per_page=1"_s);

    QCOMPARE(page.status, 200);
    QCOMPARE(page.array().size(), 1);
    const QJsonObject alice = page.array().at(0).toObject();
    QCOMPARE(alice.value(u"login"_s).toString(), u"alice"_s);
    QCOMPARE(alice.value(u"contributions"_s).toInt(), 42);
    QCOMPARE(alice.value(u"type"_s).toString(), u"User"_s);
    const QString expected = link(u"contributors"_s, u"per_page=1&page=2"_s)
            + u"; rel=\"next\", "_s + link(u"contributors"_s, u"per_page=1&page=2"_s)
            + u"; rel=\"last\""_s;
    QCOMPARE(QString::fromUtf8(page.header("link")), expected);

    const Response next = getUrl(QUrl(nextLink(page.header("link"))));
    QCOMPARE(next.status, 200);
    QCOMPARE(next.array().at(0).toObject().value(u"login"_s).toString(), u"bob"_s);

    const Response all = get(u"/repositories/4242/contributors?anon=1"_s);
    QCOMPARE(all.array().size(), 2);
    QVERIFY(!all.hasHeader("link"));
}

void TestFakeGitHub::emptyContributorsAnswer204()
{
    const Response byName = get(u"/repos/octo-org/empty/contributors"_s);
    QVERIFY(byName.finished);
    QCOMPARE(byName.status, 204);
    QCOMPARE(byName.error, QNetworkReply::NoError);
    QVERIFY(byName.body.isEmpty());
    QVERIFY(!byName.hasHeader("content-type"));
    QCOMPARE(byName.header("x-ratelimit-resource"), "core");

    QCOMPARE(get(u"/repositories/5000/contributors?per_page=100"_s).status, 204);

    const Response issues = get(u"/repos/octo-org/empty/issues"_s);
    QCOMPARE(issues.status, 200);
    QCOMPARE(issues.body, "[]");
}

void TestFakeGitHub::notFound_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown repository") << u"/repos/nobody/nothing/issues"_s;
    QTest::newRow("unknown contributors") << u"/repos/octo-org/missing/contributors"_s;
    QTest::newRow("unknown repository id") << u"/repositories/1/issues?page=2"_s;
    QTest::newRow("non-numeric id") << u"/repositories/abc/issues"_s;
    QTest::newRow("unknown user") << u"/users/nobody"_s;
    QTest::newRow("unknown path") << u"/nope"_s;
    QTest::newRow("unknown sub-path") << u"/repos/octo-org/hello-world/pulls"_s;
    QTest::newRow("trailing part") << u"/repos/octo-org/hello-world/issues/7/comments"_s;
    QTest::newRow("root") << u"/"_s;
}

void TestFakeGitHub::notFound()
{
    QFETCH(QString, path);

    const Response response = get(path);

    QVERIFY(response.finished);
    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("content-type"), "application/json; charset=utf-8");
    QCOMPARE(response.body, notFoundBody);
    QCOMPARE(m_gitHub->requestCount(), 1);
}

void TestFakeGitHub::userLookup()
{
    const Response alice = get(u"/users/alice"_s);
    QCOMPARE(alice.status, 200);
    QCOMPARE(alice.object().value(u"login"_s).toString(), u"alice"_s);
    QCOMPARE(alice.object().value(u"name"_s).toString(), u"Alice Liddell"_s);
    QCOMPARE(alice.object().value(u"id"_s).toInteger(), FakeGitHub::userId(u"alice"_s));
    QCOMPARE(alice.object().value(u"type"_s).toString(), u"User"_s);

    const Response bob = get(u"/users/BOB"_s);
    QCOMPARE(bob.status, 200);
    QCOMPARE(bob.object().value(u"login"_s).toString(), u"bob"_s);
    QVERIFY(bob.object().contains(u"name"_s));
    QVERIFY(bob.object().value(u"name"_s).isNull());

    m_gitHub->addUser(u"dependabot[bot]"_s, u"Dependabot"_s);
    const Response bot = get(u"/users/dependabot%5Bbot%5D"_s);
    QCOMPARE(bot.status, 200);
    QCOMPARE(bot.object().value(u"type"_s).toString(), u"Bot"_s);

    const Response POST = post(QUrl(m_gitHub->baseUrl().toString() + u"/users/alice"_s), "{}");
    QCOMPARE(POST.status, 404);
}

void TestFakeGitHub::caseInsensitiveOwnerAndRepository()
{
    const Response page = get(u"/repos/OCTO-ORG/Hello-World/issues?state=all&per_page=5"_s);

    QCOMPARE(page.status, 200);
    QCOMPARE(numbers(page.array()), QList<int>({ 7, 6, 5, 4, 3 }));
    QVERIFY(page.header("link").startsWith(
            link(u"issues"_s, u"state=all&per_page=5&page=2"_s).toUtf8()));
    QCOMPARE(get(u"/repos/Octo-Org/HELLO-WORLD/contributors"_s).array().size(), 2);
}

void TestFakeGitHub::failNextRequests()
{
    m_gitHub->failNextRequests(2, 502);

    const Response first = get(u"/repos/octo-org/hello-world/issues"_s);
    const Response second = get(u"/users/alice"_s);
    const Response third = get(u"/repos/octo-org/hello-world/issues"_s);

    QCOMPARE(first.status, 502);
    QCOMPARE(first.header("content-type"), "application/json; charset=utf-8");
    const QByteArray serverError =
            R"({"message":"Server Error","documentation_url":"https://docs.github.com/rest"})";
    QCOMPARE(first.body, serverError);
    QCOMPARE(second.status, 502);
    QCOMPARE(third.status, 200);
    QCOMPARE(third.array().size(), 5);
    QCOMPARE(m_gitHub->requestCount(), 3);
    QCOMPARE(m_gitHub->requestCount(u"/repos/octo-org/hello-world/issues"_s), 2);

    m_gitHub->failNextRequests(1, 401);
    const Response unauthorised = get(u"/users/alice"_s);
    QCOMPARE(unauthorised.status, 401);
    QCOMPARE(unauthorised.object().value(u"message"_s).toString(), u"Bad credentials"_s);
}

void TestFakeGitHub::failNextRequestsWithRateLimit()
{
    m_gitHub->failNextRequestsWithRateLimit(1, 30);

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const Response limited = get(u"/repos/octo-org/hello-world/issues"_s);
    const Response after = get(u"/repos/octo-org/hello-world/issues"_s);

    QCOMPARE(limited.status, 403);
    QCOMPARE(limited.header("x-ratelimit-remaining"), "0");
    const qint64 reset = limited.header("x-ratelimit-reset").toLongLong();
    QVERIFY2(reset >= now + 30 && reset <= now + 32, limited.header("x-ratelimit-reset"));
    QVERIFY(limited.object().value(u"message"_s).toString().startsWith(
            u"API rate limit exceeded"_s));
    QCOMPARE(after.status, 200);
    QCOMPARE(after.header("x-ratelimit-remaining"), "4998");
}

void TestFakeGitHub::recordsRequests()
{
    QSignalSpy received(m_gitHub.get(), &FakeGitHub::requestReceived);

    get(u"/repos/octo-org/hello-world/issues?state=all&per_page=100"_s,
        { { "Authorization", "Bearer t0ken" }, { "X-GitHub-Api-Version", "2022-11-28" } });
    get(u"/nope?x=1"_s);

    QCOMPARE(received.count(), 2);
    const QList<FakeGitHub::RecordedRequest> requests = m_gitHub->requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(0).method, "GET");
    QCOMPARE(requests.at(0).pathAndQuery,
             u"/repos/octo-org/hello-world/issues?state=all&per_page=100"_s);
    QCOMPARE(requests.at(0).header("authorization"), "Bearer t0ken");
    QCOMPARE(requests.at(0).header("X-GITHUB-API-VERSION"), "2022-11-28");
    QCOMPARE(requests.at(1).pathAndQuery, u"/nope?x=1"_s);
    QCOMPARE(m_gitHub->requestCount(u"/repos/"_s), 1);

    m_gitHub->clearRequests();
    QCOMPARE(m_gitHub->requestCount(), 0);
}

void TestFakeGitHub::responseDelay()
{
    m_gitHub->setResponseDelay(300);

    QElapsedTimer timer;
    timer.start();
    const Response page = get(u"/repos/octo-org/hello-world/issues"_s);

    QCOMPARE(page.status, 200);
    QVERIFY2(timer.elapsed() >= 300, QByteArray::number(timer.elapsed()));
    QCOMPARE(page.array().size(), 5);

    m_gitHub->failNextRequests(1, 500);
    timer.restart();
    QCOMPARE(get(u"/users/alice"_s).status, 500);
    QVERIFY2(timer.elapsed() >= 300, QByteArray::number(timer.elapsed()));
}

void TestFakeGitHub::delayedAnswerToVanishedClient()
{
    m_gitHub->setResponseDelay(200);
    QSignalSpy received(m_gitHub.get(), &FakeGitHub::requestReceived);

    QNetworkReply *abandoned = m_network->get(
            QNetworkRequest(QUrl(m_gitHub->baseUrl().toString() + u"/users/alice"_s)));
    QTRY_COMPARE(received.count(), 1);
    abandoned->abort();
    abandoned->deleteLater();

    // Answered after the abandoned one's timer went off: the fake survived writing nothing.
    const Response later = get(u"/users/bob"_s);
    QCOMPARE(later.status, 200);
    QCOMPARE(received.count(), 2);
}

void TestFakeGitHub::destroyedWithAnswersPending()
{
    m_gitHub->setResponseDelay(60'000);
    m_receiver->setResponseDelay(60'000);
    QSignalSpy received(m_gitHub.get(), &FakeGitHub::requestReceived);
    QSignalSpy delivered(m_receiver.get(), &WebhookReceiver::delivered);

    QNetworkReply *pending = m_network->get(
            QNetworkRequest(QUrl(m_gitHub->baseUrl().toString() + u"/users/alice"_s)));
    QNetworkRequest post(m_receiver->url());
    post.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *pendingPost = m_network->post(post, QByteArray("{}"));
    QTRY_COMPARE(received.count(), 1);
    QTRY_COMPARE(delivered.count(), 1);

    // The servers go away with both answers still waiting: no crash, the clients see an error.
    m_gitHub.reset();
    m_receiver.reset();
    QTRY_VERIFY(pending->isFinished());
    QTRY_VERIFY(pendingPost->isFinished());
    QVERIFY(pending->error() != QNetworkReply::NoError);
    QVERIFY(pendingPost->error() != QNetworkReply::NoError);
    delete pending;
    delete pendingPost;
}

void TestFakeGitHub::generatedRepository()
{
    const FakeRepository repository =
            FakeGitHub::generateRepository(u"octo-org"_s, u"generated"_s, 40, 10, 12, 99);

    QCOMPARE(repository.issues.size(), 50);
    QCOMPARE(repository.issues.first().value(u"number"_s).toInt(), 50);
    QCOMPARE(repository.issues.last().value(u"number"_s).toInt(), 1);
    QList<int> pullRequests;
    for (const QJsonObject &item : repository.issues) {
        if (item.contains(u"pull_request"_s))
            pullRequests.append(item.value(u"number"_s).toInt());
    }
    QCOMPARE(pullRequests, QList<int>({ 50, 45, 40, 35, 30, 25, 20, 15, 10, 5 }));
    QCOMPARE(repository.issues.at(50 - 17).value(u"title"_s).toString(), u"Issue 17"_s);
    QCOMPARE(repository.issues.at(50 - 20).value(u"title"_s).toString(), u"Pull request 20"_s);
    QVERIFY(repository.issues.last().value(u"user"_s).isNull());
    QCOMPARE(repository.contributors.size(), 12);
    QCOMPARE(repository.contributors.first().value(u"login"_s).toString(), u"dev-1"_s);
    QCOMPARE(repository.contributors.first().value(u"contributions"_s).toInt(), 120);
    QCOMPARE(repository.users.size(), 12);
    QVERIFY(repository.users.value(u"dev-7"_s).isNull());
    QCOMPARE(repository.users.value(u"dev-1"_s).toString(), u"Zoë Ångström 1"_s);

    m_gitHub->addRepository(repository);
    const QJsonArray items =
            get(u"/repos/octo-org/generated/issues?state=all&per_page=100"_s).array();
    QCOMPARE(items.size(), 50);
    const QJsonArray labels = items.at(50 - 14).toObject().value(u"labels"_s).toArray();
    QCOMPARE(labels.size(), 2);
    QCOMPARE(labels.at(1).toObject().value(u"name"_s).toString(), u"café ☕"_s);
    QCOMPARE(get(u"/users/dev-2"_s).object().value(u"name"_s).toString(), u"李雷 2"_s);
    QVERIFY(get(u"/users/dev-7"_s).object().value(u"name"_s).isNull());
}

void TestFakeGitHub::listenFailureIsReported()
{
    FakeGitHub second;
    QVERIFY(!second.listen(m_gitHub->port()));
    QVERIFY2(second.errorString().startsWith(u"cannot listen on 127.0.0.1:%1: "_s
                                                     .arg(m_gitHub->port())),
             qPrintable(second.errorString()));

    WebhookReceiver receiver;
    QVERIFY(!receiver.listen(m_receiver->port()));
    QVERIFY(!receiver.errorString().isEmpty());
}

void TestFakeGitHub::receiverRecordsDeliveries()
{
    QSignalSpy delivered(m_receiver.get(), &WebhookReceiver::delivered);
    QCOMPARE(m_receiver->url(), QUrl(u"http://127.0.0.1:%1/hook"_s.arg(m_receiver->port())));

    const QByteArray body = R"({"repository":"octo-org/hello-world","issues":[]})";
    const Response response = post(m_receiver->url(), body);
    const Response other = post(QUrl(m_receiver->url().toString() + u"/deeper?x=1"_s), "[]");

    QCOMPARE(response.status, 204);
    QCOMPARE(other.status, 204);
    QCOMPARE(delivered.count(), 2);
    const QList<WebhookReceiver::Delivery> deliveries = m_receiver->deliveries();
    QCOMPARE(deliveries.size(), 2);
    QCOMPARE(deliveries.at(0).body, body);
    QCOMPARE(deliveries.at(0).path, u"/hook"_s);
    QCOMPARE(deliveries.at(0).header("content-type"), "application/json");
    QCOMPARE(deliveries.at(0).answeredStatus, 204);
    QVERIFY(deliveries.at(0).receivedAt.isValid());
    QCOMPARE(deliveries.at(1).path, u"/hook/deeper"_s);

    m_receiver->clearDeliveries();
    QCOMPARE(m_receiver->deliveryCount(), 0);
}

void TestFakeGitHub::receiverFailures()
{
    m_receiver->setFailures(2, 503);

    const Response first = post(m_receiver->url(), "{\"n\":1}");
    const Response second = post(m_receiver->url(), "{\"n\":2}");
    const Response third = post(m_receiver->url(), "{\"n\":3}");

    QCOMPARE(first.status, 503);
    QCOMPARE(second.status, 503);
    QCOMPARE(third.status, 204);
    const QList<WebhookReceiver::Delivery> deliveries = m_receiver->deliveries();
    QCOMPARE(deliveries.size(), 3);
    QCOMPARE(deliveries.at(0).answeredStatus, 503);
    QCOMPARE(deliveries.at(1).answeredStatus, 503);
    QCOMPARE(deliveries.at(2).answeredStatus, 204);
    QCOMPARE(deliveries.at(1).body, "{\"n\":2}");

    m_receiver->setFailures(1);
    QCOMPARE(post(m_receiver->url(), "{}").status, 500);
    QCOMPARE(post(m_receiver->url(), "{}").status, 204);
}

void TestFakeGitHub::receiverRefusesOtherMethods()
{
    const Response response = getUrl(m_receiver->url());

    QCOMPARE(response.status, 405);
    QCOMPARE(m_receiver->deliveryCount(), 0);
}

void TestFakeGitHub::receiverDelay()
{
    m_receiver->setResponseDelay(250);
    QSignalSpy delivered(m_receiver.get(), &WebhookReceiver::delivered);

    QElapsedTimer timer;
    timer.start();
    const Response response = post(m_receiver->url(), "{}");

    QCOMPARE(response.status, 204);
    QVERIFY2(timer.elapsed() >= 250, QByteArray::number(timer.elapsed()));
    QCOMPARE(delivered.count(), 1);

    // A client that gives up while the receiver hangs: recorded, and nothing crashes.
    QNetworkRequest request(m_receiver->url());
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *abandoned = m_network->post(request, QByteArray("{}"));
    QTRY_COMPARE(delivered.count(), 2);
    abandoned->abort();
    abandoned->deleteLater();
    QCOMPARE(post(m_receiver->url(), "{}").status, 204);
    QCOMPARE(m_receiver->deliveryCount(), 3);
}

Response TestFakeGitHub::get(const QString &pathAndQuery,
                             const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return getUrl(QUrl(m_gitHub->baseUrl().toString() + pathAndQuery), headers);
}

Response TestFakeGitHub::getUrl(const QUrl &url,
                                const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return wait(m_network->get(request));
}

Response TestFakeGitHub::post(const QUrl &url, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    return wait(m_network->post(request, body));
}

Response TestFakeGitHub::wait(QNetworkReply *reply)
{
    std::unique_ptr<QNetworkReply> owner(reply);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10'000);

    Response response;
    response.finished = reply->isFinished();
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.error = reply->error();
    response.body = reply->readAll();
    response.headers = reply->rawHeaderPairs();
    return response;
}

QString TestFakeGitHub::link(const QString &collection, const QString &query) const
{
    return u"<%1/repositories/4242/%2?%3>"_s.arg(m_gitHub->baseUrl().toString(), collection,
                                                 query);
}

QTEST_GUILESS_MAIN(TestFakeGitHub)
#include "tst_fakegithub.moc"
