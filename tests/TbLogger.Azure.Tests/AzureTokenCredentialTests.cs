using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using TbLogger.Reading;

namespace TbLogger.Azure.Tests;

/// <summary>
/// A user-supplied <see cref="TokenCredential"/> (what Azure.Identity's DefaultAzureCredential is): the SDK sends bearer
/// tokens over HTTPS only, and Azurite's OAuth mode needs HTTPS too, so these tests answer the blob service's append
/// protocol in-process behind an https account URL: the credential is asked for Azure Storage's scope, every request
/// carries its token, the appended bytes are the event file, and a refusal names the blob but never the token.
/// </summary>
[TestClass]
public sealed class AzureTokenCredentialTests
{
    private const string Token = "eyJ0eXAi.secret-bearer-token.sig";
    private static readonly Uri Account = new("https://tbloggertest.blob.core.windows.net");

    private static SummaryWriterOptions Manual => new() { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 };

    [TestMethod]
    public void Every_request_carries_the_credentials_token_for_the_storage_scope_and_the_appends_are_the_event_file()
    {
        var credential = new RecordingCredential();
        var service = new FakeAppendBlobService();
        var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { AccountUrl = Account, TokenCredential = credential, Transport = service.Transport() });
        string file;
        using (var writer = new SummaryWriter(storage, "az://experiments/run", Manual))
        {
            for (int step = 0; step < 3; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
            writer.Flush();
            file = writer.FilePath;
        }

        CollectionAssert.Contains(credential.Scopes, "https://storage.azure.com/.default");
        Assert.IsNotEmpty(service.Authorizations);
        Assert.IsTrue(service.Authorizations.All(a => a == "Bearer " + Token), string.Join(", ", service.Authorizations.Distinct()));
        var blob = service.Blobs.Single();
        StringAssert.StartsWith(blob.Key, "/experiments/run/events.out.tfevents.");
        StringAssert.EndsWith(file, blob.Key[1..].Split('/').Last());

        // What reached the service is a complete event file: header, then the three scalars.
        string local = Path.Combine(Path.GetTempPath(), "tblogger-token-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(local);
        try
        {
            File.WriteAllBytes(Path.Combine(local, "events.out.tfevents.1.test"), blob.Value.ToArray());
            var points = new LogDirReader(local).ReadScalars().ToList();
            CollectionAssert.AreEqual(new[] { (0L, 1.0f), (1L, 0.5f), (2L, 1f / 3) }, points.Select(p => (p.Step, (float)p.Value)).ToArray());
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [TestMethod]
    public void A_refused_token_is_a_clear_error_that_names_the_blob_and_not_the_token()
    {
        var service = new FakeAppendBlobService { Refuse = true };
        var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { AccountUrl = Account, TokenCredential = new RecordingCredential(), Transport = service.Transport() });
        var error = Assert.ThrowsExactly<AzureBlobStorageException>(() => new SummaryWriter(storage, "az://experiments/run", Manual));
        Assert.AreEqual(403, error.Status);
        StringAssert.Contains(error.Message, "az://experiments/run/events.out.tfevents.");
        Assert.DoesNotContain(Token, error.ToString());
        Assert.DoesNotContain("secret-bearer-token", storage.Options.ToString());
        Assert.IsEmpty(service.Blobs, "nothing was written");
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public ConcurrentBag<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (string scope in requestContext.Scopes) Scopes.Add(scope);
            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Just enough of the blob service's append-blob protocol: create (if none matches) and append block.</summary>
    private sealed class FakeAppendBlobService : HttpMessageHandler
    {
        private int _etag;

        public bool Refuse { get; init; }

        public ConcurrentQueue<string> Authorizations { get; } = new();

        public ConcurrentDictionary<string, MemoryStream> Blobs { get; } = new();

        public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClient(this));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Enqueue(request.Headers.Authorization?.ToString() ?? "(none)");
            string path = request.RequestUri!.AbsolutePath;
            if (Refuse)
            {
                return Error(HttpStatusCode.Forbidden, "AuthorizationFailure");
            }
            string query = request.RequestUri.Query;
            if (request.Method == HttpMethod.Put && !query.Contains("comp=", StringComparison.Ordinal))
            {
                if (!Blobs.TryAdd(path, new MemoryStream()))
                {
                    return Error(HttpStatusCode.Conflict, "BlobAlreadyExists");
                }
                return Created(offset: null, blocks: null);
            }
            if (request.Method == HttpMethod.Put && query.Contains("comp=appendblock", StringComparison.Ordinal))
            {
                if (!Blobs.TryGetValue(path, out var blob))
                {
                    return Error(HttpStatusCode.NotFound, "BlobNotFound");
                }
                lock (blob)
                {
                    long offset = blob.Length;
                    if (request.Headers.TryGetValues("x-ms-blob-condition-appendpos", out var positions) && long.Parse(positions.Single()) != offset)
                    {
                        return Error(HttpStatusCode.PreconditionFailed, "AppendPositionConditionNotMet");
                    }
                    request.Content!.ReadAsStream(cancellationToken).CopyTo(blob);
                    return Created(offset, blocks: ++_etag);
                }
            }
            return Error(HttpStatusCode.NotFound, "ResourceNotFound");
        }

        private HttpResponseMessage Created(long? offset, int? blocks)
        {
            var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue($"\"0x{Interlocked.Increment(ref _etag):X}\"");
            response.Content.Headers.LastModified = DateTimeOffset.UtcNow;
            response.Headers.Add("x-ms-request-id", Guid.NewGuid().ToString());
            response.Headers.Add("x-ms-version", "2025-01-05");
            if (offset is long o) response.Headers.Add("x-ms-blob-append-offset", o.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (blocks is int b) response.Headers.Add("x-ms-blob-committed-block-count", b.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }

        private static HttpResponseMessage Error(HttpStatusCode status, string code)
        {
            var response = new HttpResponseMessage(status)
            {
                Content = new StringContent($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>", System.Text.Encoding.UTF8, "application/xml"),
            };
            response.Headers.Add("x-ms-error-code", code);
            response.Headers.Add("x-ms-request-id", Guid.NewGuid().ToString());
            return response;
        }
    }
}
