// Checks the loopback test servers themselves (FakeGitHub and WebhookReceiver) over real HTTP
// with QNetworkAccessManager, so that the tests built on them can trust them.
#include "fakegithub.h"
#include "webhookreceiver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocale>
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

// Note for raw strings in this file: moc reads them as ordinary strings, so a '#' after an odd
// number of quotes in one, or one inside a macro's arguments, derails it. Such parts are written
// as ordinary literals, and expected bodies are named before QCOMPARE.

// The logins of a contributor listing, or the names of the anonymous contributors.
QStringList names(const QJsonArray &items)
{
    QStringList result;
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        result.append(object.contains(u"login"_s) ? object.value(u"login"_s).toString()
                                                  : object.value(u"name"_s).toString());
    }
    return result;
}

QDateTime httpDate(const QByteArray &text)
{
    const QDateTime parsed = QLocale::c().toDateTime(QString::fromLatin1(text),
                                                     u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s);
    return QDateTime(parsed.date(), parsed.time(), Qt::UTC);
}

QByteArray graphqlBody(const QString &query, const QJsonObject &variables = {})
{
    return QJsonDocument(QJsonObject { { u"query"_s, query }, { u"variables"_s, variables } })
            .toJson(QJsonDocument::Compact);
}

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QByteArray notFoundBody =
        R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest"})";
const QByteArray rateLimitDocumentation =
        "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting";
const QByteArray secondaryLimitBody =
        R"({"message":"You have exceeded a secondary rate limit. Please wait a few minutes )"
        R"(before you try again.","documentation_url":"https://docs.github.com/en/)"
        "free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits\"}";
const QByteArray authorised = "Bearer t0ken";

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

    void primaryRateLimit();
    void rateLimitWindowStartsAgainAfterReset();
    void defaultQuotaIsNotEnforced();
    void authorisedNotModifiedCostsNothing();
    void notModifiedKeepsHeaders();
    void etagFollowsContent();
    void secondaryRateLimit();
    void issuesDisabled();
    void contributorsTooLarge();
    void anonymousContributors();
    void renamedRepository();
    void acceptedToken();
    void blockedForLegalReasons();
    void enterpriseServerLayout();
    void graphqlUserLookups();
    void graphqlQueryForms();
    void graphqlErrors_data();
    void graphqlErrors();
    void graphqlRequestErrors();
    void graphqlRequiresAuthentication();
    void graphqlWithFailuresAndQuota();

    void receiverRecordsDeliveries();
    void receiverFailures();
    void receiverRefusesOtherMethods();
    void receiverDelay();

private:
    Response get(const QString &pathAndQuery, const QList<QPair<QByteArray, QByteArray>> &headers
                                              = {});
    Response getUrl(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Response post(const QUrl &url, const QByteArray &body);
    // Any method, without following redirects.
    Response send(const QByteArray &method, const QString &pathAndQuery,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {},
                  const QByteArray &body = {});
    Response graphql(const QByteArray &body, const QByteArray &authorization = authorised,
                     const QString &path = u"/graphql"_s);
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
    QCOMPARE(after.header("x-ratelimit-remaining"), "4999");  // the refusal did not count
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

void TestFakeGitHub::primaryRateLimit()
{
    const qint64 reset = QDateTime::currentSecsSinceEpoch() + 600;
    m_gitHub->setRateLimit(3, 2, reset);
    QCOMPARE(m_gitHub->rateLimitRemaining(), 2);

    const Response first = get(u"/users/alice"_s);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("x-ratelimit-limit"), "3");
    QCOMPARE(first.header("x-ratelimit-remaining"), "1");
    QCOMPARE(first.header("x-ratelimit-used"), "2");
    QCOMPARE(first.header("x-ratelimit-reset"), QByteArray::number(reset));
    QCOMPARE(first.header("x-ratelimit-resource"), "core");

    const Response last = get(u"/nope"_s);  // a 404 counts too
    QCOMPARE(last.status, 404);
    QCOMPARE(last.header("x-ratelimit-remaining"), "0");
    QCOMPARE(last.header("x-ratelimit-used"), "3");
    QCOMPARE(m_gitHub->rateLimitRemaining(), 0);

    // Refusals do not count: the second one looks exactly like the first.
    const QByteArray anonymousBody =
            R"({"message":"API rate limit exceeded for 127.0.0.1. (But here's the good news: )"
            R"(Authenticated requests get a higher rate limit. Check out the documentation for )"
            R"_(more details.)","documentation_url":")_"
            + rateLimitDocumentation + "\"}";
    for (int i = 0; i < 2; ++i) {
        const Response refused = get(u"/repos/octo-org/hello-world/issues"_s);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.body, anonymousBody);
        QCOMPARE(refused.header("content-type"), "application/json; charset=utf-8");
        QCOMPARE(refused.header("x-ratelimit-limit"), "3");
        QCOMPARE(refused.header("x-ratelimit-remaining"), "0");
        QCOMPARE(refused.header("x-ratelimit-used"), "3");
        QCOMPARE(refused.header("x-ratelimit-reset"), QByteArray::number(reset));
        QCOMPARE(refused.header("x-ratelimit-resource"), "core");
        QVERIFY(!refused.hasHeader("retry-after"));
        QVERIFY(!refused.hasHeader("etag"));
    }

    const Response withToken = get(u"/users/alice"_s, { { "Authorization", authorised } });
    QCOMPARE(withToken.status, 403);
    const QByteArray rateLimitedForUser = R"({"message":"API rate limit exceeded for user ID 1.",)"
            R"("documentation_url":")"
            + rateLimitDocumentation + "\"}";
    QCOMPARE(withToken.body, rateLimitedForUser);

    m_gitHub->setRateLimitStatus(429);
    const Response tooMany = get(u"/users/alice"_s);
    QCOMPARE(tooMany.status, 429);
    QCOMPARE(tooMany.body, anonymousBody);
    QCOMPARE(tooMany.header("x-ratelimit-remaining"), "0");
    QCOMPARE(m_gitHub->requestCount(), 6);  // refused requests are recorded all the same

    m_gitHub->resetRateLimit(2);
    const Response refilled = get(u"/users/alice"_s);
    QCOMPARE(refilled.status, 200);
    QCOMPARE(refilled.header("x-ratelimit-remaining"), "1");
    QCOMPARE(refilled.header("x-ratelimit-used"), "2");
    QCOMPARE(refilled.header("x-ratelimit-reset"), QByteArray::number(reset));
}

void TestFakeGitHub::rateLimitWindowStartsAgainAfterReset()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_gitHub->setRateLimit(10, 0, now - 1);

    const Response response = get(u"/users/alice"_s);

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("x-ratelimit-limit"), "10");
    QCOMPARE(response.header("x-ratelimit-remaining"), "9");
    QCOMPARE(response.header("x-ratelimit-used"), "1");
    const qint64 reset = response.header("x-ratelimit-reset").toLongLong();
    QVERIFY2(reset >= now + 3600 && reset <= now + 3602, response.header("x-ratelimit-reset"));
}

void TestFakeGitHub::defaultQuotaIsNotEnforced()
{
    m_gitHub->resetRateLimit(1);

    const Response last = get(u"/users/alice"_s);
    const Response beyond = get(u"/users/alice"_s);

    QCOMPARE(last.header("x-ratelimit-remaining"), "0");
    QCOMPARE(beyond.status, 200);
    QCOMPARE(beyond.header("x-ratelimit-limit"), "5000");
    QCOMPARE(beyond.header("x-ratelimit-remaining"), "0");
    QCOMPARE(beyond.header("x-ratelimit-used"), "5000");
}

void TestFakeGitHub::authorisedNotModifiedCostsNothing()
{
    m_gitHub->setRateLimit(100, 100, QDateTime::currentSecsSinceEpoch() + 600);
    const QString path = u"/repos/octo-org/hello-world/issues?per_page=2"_s;

    const Response first = get(path, { { "Authorization", authorised } });
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("x-ratelimit-remaining"), "99");
    const QByteArray etag = first.header("etag");

    const Response free = get(path, { { "Authorization", authorised }, { "If-None-Match", etag } });
    QCOMPARE(free.status, 304);
    QCOMPARE(free.header("x-ratelimit-remaining"), "99");
    QCOMPARE(free.header("x-ratelimit-used"), "1");

    const Response anonymous = get(path, { { "If-None-Match", etag } });
    QCOMPARE(anonymous.status, 304);
    QCOMPARE(anonymous.header("x-ratelimit-remaining"), "98");
    QCOMPARE(anonymous.header("x-ratelimit-used"), "2");
    QCOMPARE(m_gitHub->rateLimitRemaining(), 98);
}

void TestFakeGitHub::notModifiedKeepsHeaders()
{
    const QString path = u"/repos/octo-org/hello-world/issues?state=all&per_page=2"_s;
    const Response first = get(path);
    const QByteArray etag = first.header("etag");
    const QByteArray lastModified = first.header("last-modified");
    QVERIFY(etag.startsWith('"'));  // strong
    static const QRegularExpression dateFormat(
            u"^[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$"_s);
    QVERIFY2(dateFormat.match(QString::fromLatin1(lastModified)).hasMatch(), lastModified);
    QVERIFY(httpDate(lastModified).isValid());
    QVERIFY(first.hasHeader("link"));

    const Response again = get(path, { { "If-None-Match", etag } });
    QCOMPARE(again.status, 304);
    QVERIFY(again.body.isEmpty());
    QVERIFY(!again.hasHeader("content-type"));
    QCOMPARE(again.header("etag"), etag);
    QCOMPARE(again.header("last-modified"), lastModified);
    QCOMPARE(again.header("link"), first.header("link"));
    QCOMPARE(again.header("cache-control"), "private, max-age=60, s-maxage=60");
    QCOMPARE(again.header("x-ratelimit-resource"), "core");
    QCOMPARE(again.header("x-ratelimit-used"), "2");

    // If-None-Match compares weakly and takes lists and "*" (RFC 9110).
    QCOMPARE(get(path, { { "If-None-Match", "W/" + etag } }).status, 304);
    QCOMPARE(get(path, { { "If-None-Match", "\"other\", " + etag } }).status, 304);
    QCOMPARE(get(path, { { "If-None-Match", "*" } }).status, 304);
    QCOMPARE(get(path, { { "If-None-Match", "\"other\"" } }).status, 200);

    // If-Modified-Since, only when there is no If-None-Match.
    QCOMPARE(get(path, { { "If-Modified-Since", lastModified } }).status, 304);
    QCOMPARE(get(path, { { "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT" } }).status, 200);
    QCOMPARE(get(path, { { "If-None-Match", "\"other\"" }, { "If-Modified-Since", lastModified } })
                     .status,
             200);

    // Every 200 that GitHub caches: contributors, the repository, a user.
    const QStringList others { u"/repos/octo-org/hello-world/contributors"_s,
                               u"/repositories/4242"_s, u"/users/alice"_s };
    for (const QString &other : others) {
        const Response fresh = get(other);
        QCOMPARE(fresh.status, 200);
        QVERIFY(fresh.hasHeader("last-modified"));
        const Response cached = get(other, { { "If-None-Match", fresh.header("etag") } });
        QCOMPARE(cached.status, 304);
        QCOMPARE(cached.header("etag"), fresh.header("etag"));
    }
}

void TestFakeGitHub::etagFollowsContent()
{
    const QString path = u"/repos/octo-org/hello-world/issues"_s;
    const Response before = get(path);

    QVERIFY(m_gitHub->replaceIssues(u"OCTO-ORG"_s, u"hello-world"_s,
                                    { FakeGitHub::makeIssue(8, u"New"_s, u"alice"_s),
                                      FakeGitHub::makeIssue(7, u"Crash on start"_s, u"alice"_s) }));

    const Response after = get(path, { { "If-None-Match", before.header("etag") } });
    QCOMPARE(after.status, 200);
    QCOMPARE(numbers(after.array()), QList<int>({ 8, 7 }));
    QVERIFY(after.header("etag") != before.header("etag"));
    QVERIFY(httpDate(after.header("last-modified")) > httpDate(before.header("last-modified")));
    QCOMPARE(get(path, { { "If-Modified-Since", before.header("last-modified") } }).status, 200);
    QCOMPARE(get(path, { { "If-None-Match", after.header("etag") } }).status, 304);
    // The ETag comes from the content alone: the same content, the same ETag.
    QCOMPARE(get(path).header("etag"), after.header("etag"));
    QVERIFY(get(path + u"?state=closed"_s).header("etag") != after.header("etag"));

    const QString contributors = u"/repos/octo-org/hello-world/contributors"_s;
    const Response oldContributors = get(contributors);
    QVERIFY(m_gitHub->replaceContributors(u"octo-org"_s, u"hello-world"_s,
                                          { FakeGitHub::makeContributor(u"carol"_s, 3) }));
    const Response newContributors =
            get(contributors, { { "If-None-Match", oldContributors.header("etag") } });
    QCOMPARE(newContributors.status, 200);
    QCOMPARE(names(newContributors.array()), QStringList { u"carol"_s });

    const Response alice = get(u"/users/alice"_s);
    m_gitHub->addUser(u"alice"_s, u"Alice Pleasance Liddell"_s);
    const Response renamed = get(u"/users/alice"_s, { { "If-None-Match", alice.header("etag") } });
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.object().value(u"name"_s).toString(), u"Alice Pleasance Liddell"_s);
    QVERIFY(httpDate(renamed.header("last-modified")) > httpDate(alice.header("last-modified")));

    QVERIFY(!m_gitHub->replaceIssues(u"nobody"_s, u"nothing"_s, {}));
    QVERIFY(!m_gitHub->replaceContributors(u"nobody"_s, u"nothing"_s, {}));
}

void TestFakeGitHub::secondaryRateLimit()
{
    m_gitHub->failNextRequestsWithSecondaryLimit(2, 30);

    const Response first = get(u"/repos/octo-org/hello-world/issues"_s);
    const Response second = get(u"/users/alice"_s);
    const Response third = get(u"/repos/octo-org/hello-world/issues"_s);

    QCOMPARE(first.status, 403);
    QCOMPARE(first.body, secondaryLimitBody);
    QCOMPARE(first.header("content-type"), "application/json; charset=utf-8");
    QCOMPARE(first.header("retry-after"), "30");
    QCOMPARE(first.header("x-ratelimit-remaining"), "4999");  // the primary quota is fine
    QCOMPARE(first.header("x-ratelimit-used"), "1");
    QCOMPARE(second.status, 403);
    QCOMPARE(second.header("retry-after"), "30");
    QCOMPARE(second.header("x-ratelimit-remaining"), "4998");
    QCOMPARE(third.status, 200);
    QVERIFY(!third.hasHeader("retry-after"));

    m_gitHub->failNextRequestsWithSecondaryLimit(1, -1, 429);
    const Response tooMany = get(u"/repos/octo-org/hello-world/issues"_s);
    QCOMPARE(tooMany.status, 429);
    QCOMPARE(tooMany.body, secondaryLimitBody);
    QVERIFY(!tooMany.hasHeader("retry-after"));
    QCOMPARE(get(u"/users/alice"_s).status, 200);
}

void TestFakeGitHub::issuesDisabled()
{
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"no-issues"_s;
    repository.id = 6000;
    repository.issuesDisabled = true;
    repository.issues = { FakeGitHub::makeIssue(1, u"Hidden"_s, u"alice"_s) };
    repository.contributors = { FakeGitHub::makeContributor(u"alice"_s, 3) };
    m_gitHub->addRepository(repository);

    const Response listing = get(u"/repos/octo-org/no-issues/issues?state=all"_s);

    QCOMPARE(listing.status, 410);
    QCOMPARE(listing.header("content-type"), "application/json; charset=utf-8");
    const QByteArray disabledBody = R"({"message":"Issues are disabled for this repo",)"
            R"("documentation_url":"https://docs.github.com/rest/issues/issues)"
            "#list-repository-issues\"}";
    QCOMPARE(listing.body, disabledBody);
    QCOMPARE(listing.header("x-ratelimit-used"), "1");
    QCOMPARE(get(u"/repositories/6000/issues"_s).status, 410);
    QCOMPARE(get(u"/repos/octo-org/no-issues"_s).object().value(u"has_issues"_s), false);
    QCOMPARE(get(u"/repos/octo-org/hello-world"_s).object().value(u"has_issues"_s), true);
    QCOMPARE(names(get(u"/repos/octo-org/no-issues/contributors"_s).array()),
             QStringList { u"alice"_s });
}

void TestFakeGitHub::contributorsTooLarge()
{
    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"huge"_s;
    repository.id = 6001;
    repository.contributorsTooLarge = true;
    repository.issues = { FakeGitHub::makeIssue(1, u"Only one"_s, u"alice"_s) };
    repository.contributors = { FakeGitHub::makeContributor(u"alice"_s, 3) };
    m_gitHub->addRepository(repository);

    const Response refused = get(u"/repos/octo-org/huge/contributors?per_page=100"_s);

    QCOMPARE(refused.status, 403);
    const QByteArray tooLargeBody =
            R"({"message":"The history or contributor list is too large to list )"
            R"(contributors for this repository via the API.",)"
            R"("documentation_url":"https://docs.github.com/rest/repos/repos)"
            "#list-repository-contributors\"}";
    QCOMPARE(refused.body, tooLargeBody);
    QCOMPARE(refused.header("x-ratelimit-remaining"), "4999");
    QVERIFY(!refused.hasHeader("retry-after"));
    QCOMPARE(get(u"/repositories/6001/contributors?anon=1"_s).status, 403);
    QCOMPARE(numbers(get(u"/repos/octo-org/huge/issues"_s).array()), QList<int>({ 1 }));
}

void TestFakeGitHub::anonymousContributors()
{
    const QJsonObject zoe =
            FakeGitHub::makeAnonymousContributor(u"Zoë"_s, u"zoe@example.com"_s, 5);
    QCOMPARE(zoe, QJsonObject({ { u"email"_s, u"zoe@example.com"_s },
                                { u"name"_s, u"Zoë"_s },
                                { u"type"_s, u"Anonymous"_s },
                                { u"contributions"_s, 5 } }));

    FakeRepository repository;
    repository.owner = u"octo-org"_s;
    repository.name = u"mixed"_s;
    repository.id = 7000;
    repository.contributors = {
        FakeGitHub::makeContributor(u"alice"_s, 9),
        zoe,
        FakeGitHub::makeContributor(u"bob"_s, 4),
        FakeGitHub::makeAnonymousContributor(u"Old Laptop"_s, u"root@localhost"_s, 2),
    };
    m_gitHub->addRepository(repository);
    const QString path = u"/repos/octo-org/mixed/contributors"_s;

    const QStringList named { u"alice"_s, u"bob"_s };
    const QStringList everyone { u"alice"_s, u"Zoë"_s, u"bob"_s, u"Old Laptop"_s };
    QCOMPARE(names(get(path).array()), named);
    QCOMPARE(names(get(path + u"?anon=0"_s).array()), named);
    QCOMPARE(names(get(path + u"?anon=false"_s).array()), named);
    QCOMPARE(names(get(path + u"?anon=true"_s).array()), everyone);
    const Response withAnonymous = get(path + u"?anon=1"_s);
    QCOMPARE(names(withAnonymous.array()), everyone);
    QCOMPARE(withAnonymous.array().at(1).toObject(), zoe);

    const Response page = get(path + u"?anon=1&per_page=3"_s);
    QCOMPARE(names(page.array()), everyone.mid(0, 3));
    const QString base = m_gitHub->baseUrl().toString() + u"/repositories/7000/contributors?"_s;
    QCOMPARE(QString::fromUtf8(page.header("link")),
             u"<%1anon=1&per_page=3&page=2>; rel=\"next\", <%1anon=1&per_page=3&page=2>; "
             "rel=\"last\""_s.arg(base));
    QCOMPARE(names(getUrl(QUrl(nextLink(page.header("link")))).array()),
             QStringList { u"Old Laptop"_s });

    // Only anonymous contributors and no anon: an empty page, not 204.
    FakeRepository ghosts;
    ghosts.owner = u"octo-org"_s;
    ghosts.name = u"ghosts"_s;
    ghosts.contributors = { zoe };
    m_gitHub->addRepository(ghosts);
    const Response none = get(u"/repos/octo-org/ghosts/contributors"_s);
    QCOMPARE(none.status, 200);
    QCOMPARE(none.body, "[]");
    QCOMPARE(get(u"/repos/octo-org/ghosts/contributors?anon=1"_s).array().size(), 1);
}

void TestFakeGitHub::renamedRepository()
{
    m_gitHub->addRename(u"octo-org"_s, u"old-name"_s, 4242);
    m_gitHub->addRename(u"octo-org"_s, u"old-name-2"_s, 4242);
    const QString base = m_gitHub->baseUrl().toString();
    const auto movedBody = [](const QString &location) {
        return "{\"message\":\"Moved Permanently\",\"url\":\"" + location.toUtf8()
                + "\",\"documentation_url\":\"https://docs.github.com/rest/guides/"
                  "best-practices-for-using-the-rest-api#follow-redirects\"}";
    };

    const Response moved = send("GET", u"/repos/Octo-Org/OLD-name/issues?state=all&per_page=2"_s);
    const QString location = base + u"/repositories/4242/issues?state=all&per_page=2"_s;
    QCOMPARE(moved.status, 301);
    QCOMPARE(moved.header("location"), location.toUtf8());
    QCOMPARE(moved.body, movedBody(location));
    QCOMPARE(moved.header("content-type"), "application/json; charset=utf-8");
    QCOMPARE(moved.header("x-ratelimit-used"), "1");
    QVERIFY(!moved.hasHeader("etag"));
    QVERIFY(!moved.hasHeader("cache-control"));

    const Response repository = send("GET", u"/repos/octo-org/old-name"_s);
    QCOMPARE(repository.status, 301);
    QCOMPARE(repository.header("location"), (base + u"/repositories/4242"_s).toUtf8());
    QCOMPARE(repository.body, movedBody(base + u"/repositories/4242"_s));
    QCOMPARE(send("GET", u"/repos/octo-org/old-name/labels/caf%C3%A9?x=%20"_s).header("location"),
             (base + u"/repositories/4242/labels/caf%C3%A9?x=%20"_s).toUtf8());

    // Following the Location ends at the listing. (By hand: Qt 6.4's automatic redirects
    // sometimes send the first request twice on the same connection.)
    m_gitHub->clearRequests();
    const Response first = send("GET", u"/repos/octo-org/old-name/issues?state=all"_s);
    QCOMPARE(first.status, 301);
    const Response followed = getUrl(QUrl(QString::fromUtf8(first.header("location"))));
    QCOMPARE(followed.status, 200);
    QCOMPARE(numbers(followed.array()), QList<int>({ 7, 6, 5, 4, 3, 2, 1 }));
    const QList<FakeGitHub::RecordedRequest> requests = m_gitHub->requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(1).pathAndQuery, u"/repositories/4242/issues?state=all"_s);

    // A repository created under the old name breaks the redirect, as on GitHub.
    FakeRepository reused;
    reused.owner = u"octo-org"_s;
    reused.name = u"old-name"_s;
    reused.issues = { FakeGitHub::makeIssue(1, u"Fresh start"_s, u"bob"_s) };
    m_gitHub->addRepository(reused);
    const Response fresh = send("GET", u"/repos/octo-org/old-name/issues"_s);
    QCOMPARE(fresh.status, 200);
    QCOMPARE(numbers(fresh.array()), QList<int>({ 1 }));

    // Other methods must be repeated as they were: 307.
    const Response patch = send("PATCH", u"/repos/octo-org/old-name-2"_s,
                                { { "Content-Type", "application/json" } }, "{}");
    QCOMPARE(patch.status, 307);
    QCOMPARE(patch.header("location"), (base + u"/repositories/4242"_s).toUtf8());
}

void TestFakeGitHub::acceptedToken()
{
    m_gitHub->setAcceptedToken(u"s3cret"_s);

    QCOMPARE(get(u"/users/alice"_s, { { "Authorization", "Bearer s3cret" } }).status, 200);
    QCOMPARE(get(u"/users/alice"_s, { { "Authorization", "token s3cret" } }).status, 200);
    const Response refused = get(u"/users/alice"_s, { { "Authorization", "Bearer wrong" } });
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.header("content-type"), "application/json; charset=utf-8");
    const QByteArray badCredentials =
            R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"})";
    QCOMPARE(refused.body, badCredentials);
    QCOMPARE(refused.header("x-ratelimit-remaining"), "4998");  // not counted
    QCOMPARE(get(u"/users/alice"_s, { { "Authorization", "Basic dXNlcjpzM2NyZXQ=" } }).status,
             401);
    const Response anonymous = get(u"/users/alice"_s);
    QCOMPARE(anonymous.status, 200);
    QCOMPARE(anonymous.header("x-ratelimit-remaining"), "4997");

    // Credentials are checked before the quota.
    m_gitHub->setRateLimit(10, 0, QDateTime::currentSecsSinceEpoch() + 600);
    QCOMPARE(get(u"/users/alice"_s, { { "Authorization", "Bearer wrong" } }).status, 401);
    QCOMPARE(get(u"/users/alice"_s, { { "Authorization", "Bearer s3cret" } }).status, 403);

    m_gitHub->setAcceptedToken({});
    m_gitHub->resetRateLimit(10);
    QCOMPARE(get(u"/users/alice"_s, { { "Authorization", "Bearer anything" } }).status, 200);
}

void TestFakeGitHub::blockedForLegalReasons()
{
    m_gitHub->failNextRequests(1, 451);

    const Response blocked = get(u"/repos/octo-org/hello-world/issues"_s);

    QCOMPARE(blocked.status, 451);
    QCOMPARE(blocked.header("content-type"), "application/json; charset=utf-8");
    const QByteArray blockedBody =
            R"({"message":"Repository access blocked","block":{"reason":"dmca",)"
            R"("created_at":"2024-01-01T00:00:00Z","html_url":"https://github.com/github/dmca/)"
            R"(blob/master/2024/01/2024-01-01-example.md"}})";
    QCOMPARE(blocked.body, blockedBody);
    QCOMPARE(get(u"/repos/octo-org/hello-world/issues"_s).status, 200);
}

void TestFakeGitHub::enterpriseServerLayout()
{
    const QString base = m_gitHub->baseUrl().toString();
    QCOMPARE(m_gitHub->apiUrl(), m_gitHub->baseUrl());
    QCOMPARE(m_gitHub->graphqlUrl(), QUrl(base + u"/graphql"_s));

    m_gitHub->setApiPathPrefix(u"api/v3/"_s);

    QCOMPARE(m_gitHub->apiPathPrefix(), u"/api/v3"_s);
    QCOMPARE(m_gitHub->baseUrl(), QUrl(u"http://127.0.0.1:%1"_s.arg(m_gitHub->port())));
    QCOMPARE(m_gitHub->apiUrl(), QUrl(base + u"/api/v3"_s));
    QCOMPARE(m_gitHub->graphqlUrl(), QUrl(base + u"/api/graphql"_s));

    const Response page = get(u"/api/v3/repos/octo-org/hello-world/issues?state=all&per_page=3"_s);
    QCOMPARE(page.status, 200);
    QCOMPARE(numbers(page.array()), QList<int>({ 7, 6, 5 }));
    const QString links = base + u"/api/v3/repositories/4242/issues?state=all&per_page=3&page="_s;
    QCOMPARE(QString::fromUtf8(page.header("link")),
             u'<' + links + u"2>; rel=\"next\", <"_s + links + u"3>; rel=\"last\""_s);
    QCOMPARE(numbers(getUrl(QUrl(nextLink(page.header("link")))).array()),
             QList<int>({ 4, 3, 2 }));
    QCOMPARE(get(u"/api/v3/users/alice"_s).status, 200);
    QCOMPARE(get(u"/api/v3/repositories/4242/contributors"_s).array().size(), 2);

    const Response outside = get(u"/repos/octo-org/hello-world/issues"_s);
    QCOMPARE(outside.status, 404);
    QCOMPARE(outside.body, notFoundBody);
    QCOMPARE(get(u"/api/v3"_s).status, 404);

    m_gitHub->addRename(u"octo-org"_s, u"old"_s, 4242);
    QCOMPARE(send("GET", u"/api/v3/repos/octo-org/old/issues?page=2"_s).header("location"),
             (base + u"/api/v3/repositories/4242/issues?page=2"_s).toUtf8());

    const QByteArray query = graphqlBody(u"{ u0: user(login: \"alice\") { login } }"_s);
    const Response enterprise = graphql(query, authorised, u"/api/graphql"_s);
    QCOMPARE(enterprise.status, 200);
    const QByteArray expected = R"({"data":{"u0":{"login":"alice"}}})";
    QCOMPARE(enterprise.body, expected);
    QCOMPARE(graphql(query, authorised, u"/graphql"_s).status, 404);
    QCOMPARE(graphql(query, authorised, u"/api/v3/graphql"_s).status, 404);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 1);
    QCOMPARE(m_gitHub->requestCount(u"/api/v3/"_s), 6);

    m_gitHub->setApiPathPrefix({});
    QCOMPARE(m_gitHub->apiUrl(), m_gitHub->baseUrl());
    QCOMPARE(get(u"/users/alice"_s).status, 200);
}

void TestFakeGitHub::graphqlUserLookups()
{
    m_gitHub->addUser(u"octo-org"_s, u"Octo Org"_s, UserKind::Organization);
    m_gitHub->addUser(u"dependabot[bot]"_s, u"Dependabot"_s);
    m_gitHub->addUser(u"renovate"_s, u"Renovate"_s, UserKind::Bot);
    const QString query =
            u"query($l0: String!, $l1: String!, $l2: String!, $l3: String!, $l4: String!) {\n"
            "  u0: user(login: $l0) { login name }\n"
            "  u1: user(login: $l1) { login name }\n"
            "  u2: user(login: $l2) { login name }\n"
            "  u3: user(login: $l3) { login name }\n"
            "  u4: user(login: $l4) { login name }\n"
            "}"_s;
    const QJsonObject variables { { u"l0"_s, u"ALICE"_s },
                                  { u"l1"_s, u"bob"_s },
                                  { u"l2"_s, u"nobody"_s },
                                  { u"l3"_s, u"octo-org"_s },
                                  { u"l4"_s, u"renovate"_s } };
    const QByteArray body = graphqlBody(query, variables);

    const Response response = graphql(body);

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), "application/json; charset=utf-8");
    const QByteArray expected = R"({"data":{"u0":{"login":"alice","name":"Alice Liddell"},)"
            R"("u1":{"login":"bob","name":null},"u2":null,"u3":null,"u4":null},)"
            R"("errors":[{"type":"NOT_FOUND","path":["u2"],"locations":[{"line":4,"column":3}],)"
            R"("message":"Could not resolve to a User with the login of 'nobody'."},)"
            R"({"type":"NOT_FOUND","path":["u3"],"locations":[{"line":5,"column":3}],)"
            R"("message":"Could not resolve to a User with the login of 'octo-org'."},)"
            R"({"type":"NOT_FOUND","path":["u4"],"locations":[{"line":6,"column":3}],)"
            R"("message":"Could not resolve to a User with the login of 'renovate'."}]})";
    QCOMPARE(response.body, expected);
    QCOMPARE(response.header("x-ratelimit-resource"), "graphql");
    QCOMPARE(response.header("x-ratelimit-limit"), "5000");
    QCOMPARE(response.header("x-ratelimit-remaining"), "4999");
    QCOMPARE(response.header("x-ratelimit-used"), "1");
    QVERIFY(!response.hasHeader("etag"));
    QCOMPARE(m_gitHub->graphqlRequestCount(), 1);
    QCOMPARE(m_gitHub->rateLimitRemaining(), 5000);  // not the REST quota

    const FakeGitHub::RecordedRequest recorded = m_gitHub->requests().last();
    QCOMPARE(recorded.method, "POST");
    QCOMPARE(recorded.pathAndQuery, u"/graphql"_s);
    QCOMPARE(recorded.body, body);
    QCOMPARE(recorded.header("authorization"), authorised);
    QCOMPARE(m_gitHub->requestCount(u"/graphql"_s), 1);

    // A "[bot]" login is never a GraphQL user, whatever kind it was given.
    const Response bot =
            graphql(graphqlBody(u"{ b: user(login: \"dependabot[bot]\") { login } }"_s));
    const QByteArray notABot = R"({"data":{"b":null},"errors":[{"type":"NOT_FOUND","path":["b"],)"
            R"("locations":[{"line":1,"column":3}],"message":"Could not resolve to a User with )"
            R"(the login of 'dependabot[bot]'."}]})";
    QCOMPARE(bot.body, notABot);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 2);

    // REST knows them all, with their type.
    QCOMPARE(get(u"/users/octo-org"_s).object().value(u"type"_s).toString(), u"Organization"_s);
    QCOMPARE(get(u"/users/renovate"_s).object().value(u"type"_s).toString(), u"Bot"_s);
    QCOMPARE(get(u"/users/dependabot%5Bbot%5D"_s).object().value(u"type"_s).toString(),
             u"Bot"_s);
    QCOMPARE(get(u"/users/alice"_s).object().value(u"type"_s).toString(), u"User"_s);
    QCOMPARE(m_gitHub->rateLimitRemaining(), 4996);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 2);
}

void TestFakeGitHub::graphqlQueryForms()
{
    // Comments, commas, newlines, an operation name, a literal, __typename, any field order.
    const QString query = u"# display names\r\nquery Names($who: String!)\n{\n  __typename,\n"
                          "  first: user(login: \"alice\") { name, login, __typename }\n"
                          "  second: user(login: $who) {\n    login\n  }\n}\n"_s;
    const Response named = graphql(graphqlBody(query, { { u"who"_s, u"bob"_s } }));
    QCOMPARE(named.status, 200);
    const QByteArray expected =
            R"({"data":{"__typename":"Query","first":{"name":"Alice Liddell",)"
            R"("login":"alice","__typename":"User"},"second":{"login":"bob"}}})";
    QCOMPARE(named.body, expected);

    // No alias, no "query" keyword, variables null or sent as a JSON text.
    const QByteArray plain = R"({"query":"{ user(login: \"alice\") { login } }","variables":null})";
    const QByteArray plainExpected = R"({"data":{"user":{"login":"alice"}}})";
    QCOMPARE(graphql(plain).body, plainExpected);
    const QByteArray asText =
            R"({"query":"query($l: String!) { u: user(login: $l) { name } }",)"
            R"("variables":"{\"l\":\"bob\"}"})";
    const QByteArray asTextExpected = R"({"data":{"u":{"name":null}}})";
    QCOMPARE(graphql(asText).body, asTextExpected);
    const QByteArray withoutVariables = R"({"query":"{ user(login: \"alice\") { login } }"})";
    QCOMPARE(graphql(withoutVariables).body, plainExpected);
}

void TestFakeGitHub::graphqlErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("variables");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("parse error")
            << u"{ u0: user(login: \"alice\") { login } } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"message":"Parse error on \"}\" (RCURLY) at [1, 40]",)"
                          R"("locations":[{"line":1,"column":40}]}]})");
    QTest::newRow("parse error on a later line")
            << u"query(\n  $l0: String!\n) {\n  u0: user(login: $l0) { login name\n  )\n}"_s
            << QByteArray(R"({"l0":"alice"})")
            << QByteArray(R"({"errors":[{"message":"Parse error on \")\" (RPAREN) at [5, 3]",)"
                          R"("locations":[{"line":5,"column":3}]}]})");
    QTest::newRow("end of document")
            << u"query($l0: String!) { u0: user(login: $l0) { login }"_s
            << QByteArray(R"({"l0":"alice"})")
            << QByteArray(R"({"errors":[{"message":"Unexpected end of document",)"
                          R"("locations":[]}]})");
    QTest::newRow("bad character")
            << u"{ u0: user(login: %) { login } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"message":"Parse error on \"%\" (error) at [1, 19]",)"
                          R"("locations":[{"line":1,"column":19}]}]})");
    QTest::newRow("mutation")
            << u"mutation { u0: user(login: \"alice\") { login } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"message":"Parse error on \"mutation\" (MUTATION) at )"
                          R"([1, 1]","locations":[{"line":1,"column":1}]}]})");
    QTest::newRow("unknown field on Query")
            << u"{ viewer { login } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"path":["query","viewer"],"extensions":{"code":)"
                          R"("undefinedField","typeName":"Query","fieldName":"viewer"},)"
                          R"("locations":[{"line":1,"column":3}],"message":"Field 'viewer' )"
                          R"(doesn't exist on type 'Query'"}]})");
    QTest::newRow("unknown field on User")
            << u"query Who { u0: user(login: \"alice\") { login email } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"path":["query Who","u0","email"],"extensions":)"
                          R"({"code":"undefinedField","typeName":"User","fieldName":"email"},)"
                          R"("locations":[{"line":1,"column":46}],"message":"Field 'email' )"
                          R"(doesn't exist on type 'User'"}]})");
    QTest::newRow("undeclared variable")
            << u"{ u0: user(login: $l0) { login } }"_s << QByteArray(R"({"l0":"alice"})")
            << QByteArray(R"({"errors":[{"path":["query","u0","login"],"extensions":{"code":)"
                          R"("variableNotDefined","variableName":"l0"},"locations":[{"line":1,)"
                          R"("column":19}],"message":"Variable $l0 is used by anonymous query )"
                          R"(but not declared"}]})");
    QTest::newRow("unused variable")
            << u"query($l0: String!, $l1: String!) { u0: user(login: $l0) { login } }"_s
            << QByteArray(R"({"l0":"alice","l1":"bob"})")
            << QByteArray(R"({"errors":[{"path":["query"],"extensions":{"code":)"
                          R"("variableNotUsed","variableName":"l1"},"locations":[{"line":1,)"
                          R"("column":21}],"message":"Variable $l1 is declared by anonymous )"
                          R"(query but not used"}]})");
    QTest::newRow("nullable variable")
            << u"query($l0: String) { u0: user(login: $l0) { login } }"_s
            << QByteArray(R"({"l0":"alice"})")
            << QByteArray(R"({"errors":[{"path":["query","u0","login"],"extensions":{"code":)"
                          R"("variableMismatch","variableName":"l0","typeName":"String",)"
                          R"("argumentName":"login","errorMessage":"Nullability mismatch"},)"
                          R"("locations":[{"line":1,"column":38}],"message":"Nullability )"
                          R"_(mismatch on variable $l0 and argument login )_"
                          R"_((String / String!)"}]})_");
    QTest::newRow("missing variable value")
            << u"query($l0: String!) { u0: user(login: $l0) { login } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"extensions":{"value":null,"problems":[{"path":[],)"
                          R"("explanation":"Expected value to not be null"}]},"locations":)"
                          R"([{"line":1,"column":7}],"message":"Variable $l0 of type String! )"
                          R"(was provided invalid value"}]})");
    QTest::newRow("number for a login")
            << u"query($l0: String!) { u0: user(login: $l0) { login } }"_s
            << QByteArray(R"({"l0":5})")
            << QByteArray(R"({"errors":[{"extensions":{"value":5,"problems":[{"path":[],)"
                          R"("explanation":"Could not coerce value 5 to String"}]},"locations":)"
                          R"([{"line":1,"column":7}],"message":"Variable $l0 of type String! )"
                          R"(was provided invalid value"}]})");
    QTest::newRow("no selections")
            << u"{ u0: user(login: \"alice\") }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"path":["query","u0"],"extensions":{"code":)"
                          R"("selectionMismatch","nodeName":"field 'user'","typeName":"User"},)"
                          R"("locations":[{"line":1,"column":3}],"message":"Field must have )"
                          R"(selections (field 'user' returns User but has no selections. Did )"
                          R"_(you mean 'user { ... }'?)"}]})_");
    QTest::newRow("missing login")
            << u"{ u0: user { login } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"path":["query","u0"],"extensions":{"code":)"
                          R"("missingRequiredArguments","className":"Field","name":"user",)"
                          R"("arguments":"login"},"locations":[{"line":1,"column":3}],)"
                          R"("message":"Field 'user' is missing required arguments: login"}]})");
    QTest::newRow("unknown argument")
            << u"{ u0: user(login: \"alice\", id: 1) { login } }"_s << QByteArray("{}")
            << QByteArray(R"({"errors":[{"path":["query","u0","id"],"extensions":{"code":)"
                          R"("argumentNotAccepted","name":"user","typeName":"Field",)"
                          R"("argumentName":"id"},"locations":[{"line":1,"column":28}],)"
                          R"("message":"Field 'user' doesn't accept argument 'id'"}]})");
}

void TestFakeGitHub::graphqlErrors()
{
    QFETCH(QString, query);
    QFETCH(QByteArray, variables);
    QFETCH(QByteArray, expected);

    const QJsonObject body { { u"query"_s, query },
                             { u"variables"_s, QJsonDocument::fromJson(variables).object() } };
    const Response response = graphql(QJsonDocument(body).toJson(QJsonDocument::Compact));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, expected);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 1);
}

void TestFakeGitHub::graphqlRequestErrors()
{
    const Response notJson = graphql("query { u0: user(login: \"alice\") { login } }");
    QCOMPARE(notJson.status, 400);
    const QByteArray problemsParsingJson = R"({"message":"Problems parsing JSON",)"
            R"("documentation_url":"https://docs.github.com/graphql"})";
    QCOMPARE(notJson.body, problemsParsingJson);

    const Response noQuery = graphql(R"({"variables":{}})");
    QCOMPARE(noQuery.status, 200);
    const QByteArray noQueryBody =
            R"({"errors":[{"message":"A query attribute must be specified and )"
            R"(must be a string."}]})";
    QCOMPARE(noQuery.body, noQueryBody);

    const Response badVariables = graphql(R"({"query":"{ __typename }","variables":5})");
    QCOMPARE(badVariables.status, 200);
    const QByteArray invalidVariables = R"({"errors":[{"message":"Variables are invalid JSON."}]})";
    QCOMPARE(badVariables.body, invalidVariables);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 3);
}

void TestFakeGitHub::graphqlRequiresAuthentication()
{
    const QByteArray query = graphqlBody(u"{ u0: user(login: \"alice\") { login } }"_s);

    const Response anonymous = graphql(query, {});
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.header("content-type"), "application/json; charset=utf-8");
    const QByteArray unauthenticated =
            R"({"message":"This endpoint requires you to be authenticated.",)"
            R"("documentation_url":"https://docs.github.com/graphql/guides/)"
            "forming-calls-with-graphql#authenticating-with-graphql\"}";
    QCOMPARE(anonymous.body, unauthenticated);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 0);
    QCOMPARE(m_gitHub->requestCount(u"/graphql"_s), 1);

    m_gitHub->setAcceptedToken(u"s3cret"_s);
    const Response refused = graphql(query, "Bearer wrong");
    QCOMPARE(refused.status, 401);
    const QByteArray badCredentials = R"({"message":"Bad credentials",)"
            R"("documentation_url":"https://docs.github.com/graphql"})";
    QCOMPARE(refused.body, badCredentials);
    QCOMPARE(graphql(query, "bearer s3cret").status, 200);
    QCOMPARE(m_gitHub->graphqlRequestCount(), 1);

    // Only POST is GraphQL.
    QCOMPARE(get(u"/graphql"_s).status, 404);
}

void TestFakeGitHub::graphqlWithFailuresAndQuota()
{
    const QByteArray query = graphqlBody(u"{ u0: user(login: \"alice\") { login } }"_s);

    // The REST quota does not stop GraphQL.
    m_gitHub->setRateLimit(10, 0, QDateTime::currentSecsSinceEpoch() + 600);
    QCOMPARE(graphql(query).status, 200);

    // Injected failures take every request, GraphQL ones included.
    m_gitHub->failNextRequests(1, 502);
    const Response failed = graphql(query);
    QCOMPARE(failed.status, 502);
    QCOMPARE(failed.header("x-ratelimit-resource"), "graphql");

    m_gitHub->failNextRequestsWithSecondaryLimit(1, 60);
    const Response secondary = graphql(query);
    QCOMPARE(secondary.status, 403);
    QCOMPARE(secondary.header("retry-after"), "60");
    QCOMPARE(secondary.body, secondaryLimitBody);
    QCOMPARE(secondary.header("x-ratelimit-used"), "3");

    m_gitHub->failNextRequestsWithRateLimit(1, 30);
    const Response primary = graphql(query);
    QCOMPARE(primary.status, 403);
    QCOMPARE(primary.header("x-ratelimit-resource"), "graphql");
    QCOMPARE(primary.header("x-ratelimit-remaining"), "0");
    QCOMPARE(m_gitHub->graphqlRequestCount(), 3);

    m_gitHub->setResponseDelay(200);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(graphql(query).status, 200);
    QVERIFY2(timer.elapsed() >= 200, QByteArray::number(timer.elapsed()));
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

Response TestFakeGitHub::send(const QByteArray &method, const QString &pathAndQuery,
                              const QList<QPair<QByteArray, QByteArray>> &headers,
                              const QByteArray &body)
{
    QNetworkRequest request(QUrl(m_gitHub->baseUrl().toString() + pathAndQuery));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return wait(m_network->sendCustomRequest(request, method, body));
}

Response TestFakeGitHub::graphql(const QByteArray &body, const QByteArray &authorization,
                                 const QString &path)
{
    Headers headers { { "Content-Type", "application/json" } };
    if (!authorization.isEmpty())
        headers.append({ "Authorization", authorization });
    return send("POST", path, headers, body);
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
