<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ClusterText</name>
    <message>
        <source>disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator address is not a valid http(s) URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator refused the access token (wrong or missing token).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator cannot be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator sent an answer that could not be understood.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator rejected the request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>submit suite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancel suite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>undrain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quarantine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unquarantine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fetch log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fetch task</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelRunText</name>
    <message>
        <source>starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>draining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2) · %3 · health %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · breaker %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter token ids separated by commas or spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token %1 (&quot;%2&quot;) is not a whole number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token %1 is %2, outside the vocabulary (0 to %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tokens: this model takes at most %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is already in progress.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layer range %1 is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter token ids first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host %1 is not in the pool any more.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host is not ready (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host&apos;s breaker rejects work now (retry in %1 ms).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (auto; the page had measured its backends before)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (auto; probe per matmul: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploy: %1 ms, %2 MiB uploaded (%3 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Run: %1 ms for layers %2 to %3, %n token(s)</source>
        <translation>
            <numerusform>Run: %1 ms for layers %2 to %3, %n token</numerusform>
            <numerusform>Run: %1 ms for layers %2 to %3, %n tokens</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-5 next tokens (logits computed natively from the host&apos;s hidden state): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>max abs error %1, relative %2 (tolerance %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PASS: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FAIL: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ShardsPanel</name>
    <message>
        <source>Run stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply a plan to start a pipeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests sent through the pipeline, one every 20 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token ids per request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recoveries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline and recovery events appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens each:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Pipeline ready: %n stage(s).</source>
        <translation>
            <numerusform>Pipeline ready: %n stage.</numerusform>
            <numerusform>Pipeline ready: %n stages.</numerusform>
        </translation>
    </message>
    <message>
        <source>pipeline ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan could not be deployed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>request %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan could not be started: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Deploying %n stage(s)…</source>
        <translation>
            <numerusform>Deploying %n stage…</numerusform>
            <numerusform>Deploying %n stages…</numerusform>
        </translation>
    </message>
    <message>
        <source>deploying %1 stage(s), %2 spare(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot kill %1: no process is known for it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kill of %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fault drill: sent SIGKILL to %1 (%2 %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>process group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renderer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 answered, %3 failed; state %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest error vs the native reference: %1 (%2 over tolerance).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hop to next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>page to page (%1 runs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>through the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The output goes straight to the next stage&apos;s page over a link; the app gets a copy to replay from</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::AboutDialog</name>
    <message>
        <source>About Accelerate Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Accelerate Console %1&lt;/h3&gt;&lt;p&gt;Operator console for AI models on browser compute (WebGPU, WebNN, Wasm) and for distributed test fleets.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::CircuitTimelineWidget</name>
    <message>
        <source>%1: %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (current)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No hosts yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>-%1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ClusterPanel</name>
    <message>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browsers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a remote coordinator with its URL and token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to the console&apos;s own coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local coordinator is not running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish current tasks, take no new ones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undrain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take new tasks again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quarantine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the worker out of scheduling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End the quarantine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the local coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the local coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the local worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the local worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a worker first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 requested for %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, polling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, next attempt in %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Coordinator&lt;/b&gt; %1 &amp;mdash; %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>health: %1 &amp;middot; version %2 &amp;middot; epoch %3 &amp;middot; store %4 &amp;middot; queued %5 &amp;middot; unfinished %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redundancy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ConnectDialog</name>
    <message>
        <source>Connect to a coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://coordinator.example:7420</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From file...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the token from the coordinator&apos;s token file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the token file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter an http:// or https:// URL with a host, e.g. http://127.0.0.1:7420.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the coordinator&apos;s access token or read it from its token file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ConsoleRuntime</name>
    <message>
        <source>Metrics store unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runtime server did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator token unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator store unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo model unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local worker needs the local coordinator&apos;s address: start the coordinator first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::DashboardWidget</name>
    <message>
        <source>Hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breaker timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Circuit state per host (hover for the reason of each transition)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::EmbeddedHost</name>
    <message>
        <source>Restart host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard this host&apos;s page and renderer and load it again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HaConnectDialog</name>
    <message>
        <source>Connect to a redundant cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>http://10.0.0.1:2379, http://10.0.0.2:2379, ...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>http://10.0.0.1:7420, http://10.0.0.2:7420, ...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contents of the coordinators&apos; token file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd endpoints:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinators:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd prefix:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the etcd endpoints, the coordinator URLs, or both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an etcd endpoint of the form http://host:port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a coordinator URL of the form http://host:port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most 16 etcd endpoints and 16 coordinators.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The etcd prefix must start with &apos;/&apos; and not end with &apos;/&apos; (default /accel).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinators need their token.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HaItemDelegate</name>
    <message>
        <source>leader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>follower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>candidate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>down: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HaView</name>
    <message>
        <source>Coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DB size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start local HA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start 3 etcd members and 3 coordinators on this machine (loopback, temporary data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop local HA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill the local etcd members and coordinators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch an existing redundant setup (etcd endpoints, coordinators)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch the local HA cluster again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIGKILL the selected local coordinator (fault drill)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the selected local coordinator again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer leadership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The leading coordinator resigns (SIGTERM: deletes its election key) and rejoins as follower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIGKILL the selected local etcd member (fault drill)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart the selected local etcd member with its data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add an etcd member (member add, then start it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected etcd member from the cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the leading coordinator&apos;s workers in the panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd raft index and database size per member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>raft index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DB size (MiB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New election forced: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forcing an election failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting a local HA cluster (3 etcd members, 3 coordinators)...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local HA cluster stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator killed (SIGKILL). Watch another take over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd member killed (SIGKILL).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is not possible right now (select a row of the local cluster, or wait for the running action).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start local HA cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart etcd member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add etcd member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove etcd member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: done (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Watching %n coordinator(s)</source>
        <translation>
            <numerusform>Watching %n coordinator</numerusform>
            <numerusform>Watching %n coordinators</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> and %n etcd endpoint(s).</source>
        <translation>
            <numerusform> and %n etcd endpoint.</numerusform>
            <numerusform> and %n etcd endpoints.</numerusform>
        </translation>
    </message>
    <message>
        <source>Local HA cluster: starting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local HA cluster: running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local HA cluster: failed to start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not watching a redundant setup: start a local one or connect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leader: %1 (epoch %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No coordinator leads right now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd raft leader: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd has no raft leader (quorum lost or election in progress).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>etcd: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 DB</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HealthChartView</name>
    <message>
        <source>Host health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>health score</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HistoryView</name>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regressions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No metrics store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No data for %1 with these tags.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n point(s), </source>
        <translation>
            <numerusform>%n point, </numerusform>
            <numerusform>%n points, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change point(s)</source>
        <translation>
            <numerusform>%n change point</numerusform>
            <numerusform>%n change points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n regression(s)), </source>
        <translation>
            <numerusform> (%n regression), </numerusform>
            <numerusform> (%n regressions), </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n anomaly(ies); </source>
        <translation>
            <numerusform>%n anomaly(ies); </numerusform>
            <numerusform>%n anomaly(ies); </numerusform>
        </translation>
    </message>
    <message>
        <source>trend significant (p = %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no significant trend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not enough history for a trend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>time (epoch ms, UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>Exported %n row to %1</numerusform>
            <numerusform>Exported %n rows to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accel::ui::HostsPanel</name>
    <message>
        <source>Add embedded host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start one more QtWebEngine page hosting the runtime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Launch browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chromium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Firefox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the selected hosts and start them again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Isolate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Force the breaker open: no work goes to the selected hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>isolate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset breaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the breaker again (ends an isolation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take no new work; close when the current work is done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop and remove the selected hosts now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show host views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting %1 host %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start a %1 host: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a %1 host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No %1 support in this build</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::MainWindow</name>
    <message>
        <source>Accelerate Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shards</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser shard hosts (embedded and launched browsers) with their capabilities, circuit breakers and health scores appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live health scores and circuit-breaker timelines for every host appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model sharding plans and the shard configurator appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Performance history, trends, change points and forecasts appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinators, workers and etcd members appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distributed test runs, their progress and logs appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language is used the next time the console starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Accelerate Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) connected</source>
        <translation>
            <numerusform>%n host connected</numerusform>
            <numerusform>%n hosts connected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) in pool</source>
        <translation>
            <numerusform>%n host in pool</numerusform>
            <numerusform>%n hosts in pool</numerusform>
        </translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The loaded model, its layers, and runs on a chosen host checked against the native reference appear here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ModelPanel</name>
    <message>
        <source>Open folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a Hugging Face model folder (config.json + model.safetensors)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load the built-in GPT-2-shaped demo model (random weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo model: random weights (not a trained model). Its outputs are meaningless; it exists to exercise hosts and kernels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run on a host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected hosts of the pool: id, kind, state and health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auto (fastest measured)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First layer (0 = from token ids; later layers start from the reference&apos;s hidden state)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End of the range (exclusive)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>token ids, e.g. 464, 2068, 7586</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token ids:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model folder (config.json + model.safetensors)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building the demo model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPT-2 (decoder, causal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BERT (encoder, bidirectional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Positions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Float32 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 MiB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded the demo model (random weights, not a trained model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This host does not offer %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model to check token ids against its vocabulary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix the token ids first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No host selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host %1 is not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host %1&apos;s breaker is %2: it takes no work now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploy the layers on the host, run them and check the result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix the token ids first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploying layers %1 to %2 on %3…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Running %n token(s) on %1…</source>
        <translation>
            <numerusform>Running %n token on %1…</numerusform>
            <numerusform>Running %n tokens on %1…</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking against the native reference…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading weights: %1 of %2 MiB sent to %3…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run failed (%1): %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done on %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::PoolColors</name>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Half-open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics only</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ShardConfigurator</name>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer (even split)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser (kind affinity)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimal (slowest stage minimised)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How layers are split across the selected hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of pipeline stages (Auto: as many as useful)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Candidate hosts: checked hosts may hold a stage or serve as spares</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hand this plan to the pipeline executor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fault drill: kill a host of the pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Strategy:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;tages:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Model: %1 — %n layer(s)</source>
        <translation>
            <numerusform>Model: %1 — %n layer</numerusform>
            <numerusform>Model: %1 — %n layers</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 ms/layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not measured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 MiB free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>memory unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unusable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model to plan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No usable host is selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model does not fit in the free memory of the selected hosts together.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage %1 does not fit in its host&apos;s free memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No plan with this many stages fits the hosts&apos; memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage %1 has an empty or misplaced layer range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layer ranges do not cover the model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage %1 uses a host that already holds another stage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage %1 uses a host that is not selected or not usable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many hosts for the optimal planner: deselect some or choose another strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The planner&apos;s inputs are out of range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan is invalid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Bottleneck: stage %1 on %2, %3 ms per request (%4 ms compute for %n layer(s) + %5 ms transfer), %6.</source>
        <translation>
            <numerusform>Bottleneck: stage %1 on %2, %3 ms per request (%4 ms compute for %n layer + %5 ms transfer), %6.</numerusform>
            <numerusform>Bottleneck: stage %1 on %2, %3 ms per request (%4 ms compute for %n layers + %5 ms transfer), %6.</numerusform>
        </translation>
    </message>
    <message>
        <source>transfer-bound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>compute-bound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated throughput %1 requests/s; latency %2 ms per request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No spare host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spares: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move layers %1–%2 to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (swap stages)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill host %1 (fault drill)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compute threads per stage on its host (Auto: every hardware thread the page can use). Give each stage its own cores when several stages share a machine: stages x threads &lt;= cores.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T&amp;hreads per stage:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ShardPlanBar</name>
    <message numerus="yes">
        <source>Stage %1 on %2 (%3)
Layers %4–%5 (%n layer(s))</source>
        <translation>
            <numerusform>Stage %1 on %2 (%3)
Layers %4–%5 (%n layer)</numerusform>
            <numerusform>Stage %1 on %2 (%3)
Layers %4–%5 (%n layers)</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimated %1 ms per request: %2 ms compute (%3 ms/layer%4) + %5 ms transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, not measured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weights: %1 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of %1 MiB free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embeds the tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applies the final norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live: %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bottleneck of the pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L %1–%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::TaskDetailView</name>
    <message>
        <source>Attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a task to see its output.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (loading...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2, attempt %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::TestRunsView</name>
    <message>
        <source>Suite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flaky</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last failure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit suite...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a suite JSON file to the coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel suite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the selected suite: running tasks are cancelled, queued ones skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch everything from the coordinator again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suite not submitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coordinator did not accept %1:
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Submitted %1 as suite %2 (%n task(s)).</source>
        <translation>
            <numerusform>Submitted %1 as suite %2 (%n task).</numerusform>
            <numerusform>Submitted %1 as suite %2 (%n tasks).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Suite %1 cancelled (%n task(s) stopped or skipped).</source>
        <translation>
            <numerusform>Suite %1 cancelled (%n task stopped or skipped).</numerusform>
            <numerusform>Suite %1 cancelled (%n tasks stopped or skipped).</numerusform>
        </translation>
    </message>
    <message>
        <source>Suite %1 could not be cancelled: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit a suite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suite JSON (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the suite file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid suite file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is larger than the limit of %2 MiB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a valid suite:
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to a coordinator. Connect in the Cluster panel first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Submitting %1 (%n task(s))...</source>
        <translation>
            <numerusform>Submitting %1 (%n task)...</numerusform>
            <numerusform>Submitting %1 (%n tasks)...</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling suite %1...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
