<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ClusterText</name>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbinde</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>verbinde erneut</translation>
    </message>
    <message>
        <source>The coordinator address is not a valid http(s) URL.</source>
        <translation>Die Koordinator-Adresse ist keine gültige http(s)-URL.</translation>
    </message>
    <message>
        <source>The coordinator refused the access token (wrong or missing token).</source>
        <translation>Der Koordinator hat das Zugriffstoken abgelehnt (falsches oder fehlendes Token).</translation>
    </message>
    <message>
        <source>The coordinator cannot be reached.</source>
        <translation>Der Koordinator ist nicht erreichbar.</translation>
    </message>
    <message>
        <source>The coordinator did not answer in time.</source>
        <translation>Der Koordinator hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <source>The coordinator sent an answer that could not be understood.</source>
        <translation>Der Koordinator hat eine unverständliche Antwort gesendet.</translation>
    </message>
    <message>
        <source>The coordinator rejected the request.</source>
        <translation>Der Koordinator hat die Anfrage abgelehnt.</translation>
    </message>
    <message>
        <source>(%1)</source>
        <translation>(%1)</translation>
    </message>
    <message>
        <source>submit suite</source>
        <translation>Suite einreichen</translation>
    </message>
    <message>
        <source>cancel suite</source>
        <translation>Suite abbrechen</translation>
    </message>
    <message>
        <source>drain</source>
        <translation>Auslaufen lassen</translation>
    </message>
    <message>
        <source>undrain</source>
        <translation>Drain aufheben</translation>
    </message>
    <message>
        <source>quarantine</source>
        <translation>Quarantäne</translation>
    </message>
    <message>
        <source>unquarantine</source>
        <translation>Quarantäne aufheben</translation>
    </message>
    <message>
        <source>fetch log</source>
        <translation>Protokoll abrufen</translation>
    </message>
    <message>
        <source>fetch task</source>
        <translation>Aufgabe abrufen</translation>
    </message>
</context>
<context>
    <name>ModelRunText</name>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>wird geleert</translation>
    </message>
    <message>
        <source>closing</source>
        <translation>wird geschlossen</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>verloren</translation>
    </message>
    <message>
        <source>%1 (%2) · %3 · health %4</source>
        <translation>%1 (%2) · %3 · Gesundheit %4</translation>
    </message>
    <message>
        <source> · breaker %1</source>
        <translation> · Schutzschalter %1</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n Token</numerusform>
            <numerusform>%n Token</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter token ids separated by commas or spaces.</source>
        <translation>Geben Sie Token-IDs durch Kommas oder Leerzeichen getrennt ein.</translation>
    </message>
    <message>
        <source>Token %1 (&quot;%2&quot;) is not a whole number.</source>
        <translation>Token %1 („%2“) ist keine ganze Zahl.</translation>
    </message>
    <message>
        <source>Token %1 is %2, outside the vocabulary (0 to %3).</source>
        <translation>Token %1 ist %2 und liegt außerhalb des Vokabulars (0 bis %3).</translation>
    </message>
    <message>
        <source>%1 tokens: this model takes at most %2.</source>
        <translation>%1 Token: Dieses Modell verarbeitet höchstens %2.</translation>
    </message>
    <message>
        <source>Load a model first.</source>
        <translation>Laden Sie zuerst ein Modell.</translation>
    </message>
    <message>
        <source>A run is already in progress.</source>
        <translation>Es läuft bereits ein Lauf.</translation>
    </message>
    <message>
        <source>The layer range %1 is not valid.</source>
        <translation>Der Schichtbereich %1 ist ungültig.</translation>
    </message>
    <message>
        <source>Enter token ids first.</source>
        <translation>Geben Sie zuerst Token-IDs ein.</translation>
    </message>
    <message>
        <source>Host %1 is not in the pool any more.</source>
        <translation>Host %1 ist nicht mehr im Pool.</translation>
    </message>
    <message>
        <source>The host is not ready (%1).</source>
        <translation>Der Host ist nicht bereit (%1).</translation>
    </message>
    <message>
        <source>The host&apos;s breaker rejects work now (retry in %1 ms).</source>
        <translation>Der Schutzschalter des Hosts weist derzeit Arbeit ab (erneuter Versuch in %1 ms).</translation>
    </message>
    <message>
        <source>Deployment refused: %1</source>
        <translation>Bereitstellung abgelehnt: %1</translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation>Backend: %1</translation>
    </message>
    <message>
        <source>%1 %2 ms</source>
        <translation>%1 %2 ms</translation>
    </message>
    <message>
        <source> (auto; the page had measured its backends before)</source>
        <translation> (automatisch; die Seite hatte ihre Backends bereits gemessen)</translation>
    </message>
    <message>
        <source> (auto; probe per matmul: %1)</source>
        <translation> (automatisch; Messung je Matmul: %1)</translation>
    </message>
    <message>
        <source>Deploy: %1 ms, %2 MiB uploaded (%3 bytes)</source>
        <translation>Bereitstellung: %1 ms, %2 MiB hochgeladen (%3 Bytes)</translation>
    </message>
    <message numerus="yes">
        <source>Run: %1 ms for layers %2 to %3, %n token(s)</source>
        <translation>
            <numerusform>Lauf: %1 ms für Schichten %2 bis %3, %n Token</numerusform>
            <numerusform>Lauf: %1 ms für Schichten %2 bis %3, %n Token</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Top-5 next tokens (logits computed natively from the host&apos;s hidden state): %1</source>
        <translation>Top-5 nächste Token (Logits nativ aus dem Hidden State des Hosts berechnet): %1</translation>
    </message>
    <message>
        <source>max abs error %1, relative %2 (tolerance %3)</source>
        <translation>max. abs. Fehler %1, relativ %2 (Toleranz %3)</translation>
    </message>
    <message>
        <source>PASS: %1</source>
        <translation>PASS: %1</translation>
    </message>
    <message>
        <source>FAIL: %1</source>
        <translation>FAIL: %1</translation>
    </message>
</context>
<context>
    <name>accel::ShardsPanel</name>
    <message>
        <source>Run stream</source>
        <translation>Anfragestrom ausführen</translation>
    </message>
    <message>
        <source>Apply a plan to start a pipeline.</source>
        <translation>Wenden Sie einen Plan an, um eine Pipeline zu starten.</translation>
    </message>
    <message>
        <source>Requests sent through the pipeline, one every 20 ms</source>
        <translation>Anfragen durch die Pipeline, eine alle 20 ms</translation>
    </message>
    <message>
        <source>Token ids per request</source>
        <translation>Token-IDs pro Anfrage</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Last ms</source>
        <translation>Letzte ms</translation>
    </message>
    <message>
        <source>Mean ms</source>
        <translation>Mittel ms</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Recoveries</source>
        <translation>Wiederherstellungen</translation>
    </message>
    <message>
        <source>Pipeline and recovery events appear here.</source>
        <translation>Hier erscheinen Pipeline- und Wiederherstellungsereignisse.</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>Anfragen:</translation>
    </message>
    <message>
        <source>Tokens each:</source>
        <translation>Token je Anfrage:</translation>
    </message>
    <message numerus="yes">
        <source>Pipeline ready: %n stage(s).</source>
        <translation>
            <numerusform>Pipeline bereit: %n Stufe.</numerusform>
            <numerusform>Pipeline bereit: %n Stufen.</numerusform>
        </translation>
    </message>
    <message>
        <source>pipeline ready</source>
        <translation>Pipeline bereit</translation>
    </message>
    <message>
        <source>The plan could not be deployed: %1</source>
        <translation>Der Plan konnte nicht bereitgestellt werden: %1</translation>
    </message>
    <message>
        <source>request %1 failed: %2</source>
        <translation>Anfrage %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The plan could not be started: %1</source>
        <translation>Der Plan konnte nicht gestartet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Deploying %n stage(s)…</source>
        <translation>
            <numerusform>%n Stufe wird bereitgestellt…</numerusform>
            <numerusform>%n Stufen werden bereitgestellt…</numerusform>
        </translation>
    </message>
    <message>
        <source>deploying %1 stage(s), %2 spare(s)</source>
        <translation>stelle %1 Stufe(n) bereit, %2 Reserve(n)</translation>
    </message>
    <message>
        <source>cannot kill %1: no process is known for it</source>
        <translation>%1 kann nicht beendet werden: kein Prozess dafür bekannt</translation>
    </message>
    <message>
        <source>kill of %1 failed: %2</source>
        <translation>Beenden von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>fault drill: sent SIGKILL to %1 (%2 %3)</source>
        <translation>Fehlerübung: SIGKILL an %1 gesendet (%2 %3)</translation>
    </message>
    <message>
        <source>process group</source>
        <translation>Prozessgruppe</translation>
    </message>
    <message>
        <source>renderer</source>
        <translation>Renderer</translation>
    </message>
    <message>
        <source>%1 of %2 answered, %3 failed; state %4.</source>
        <translation>%1 von %2 beantwortet, %3 fehlgeschlagen; Zustand %4.</translation>
    </message>
    <message>
        <source>Largest error vs the native reference: %1 (%2 over tolerance).</source>
        <translation>Größter Fehler gegenüber der nativen Referenz: %1 (%2 über der Toleranz).</translation>
    </message>
    <message>
        <source>Hop to next</source>
        <translation>Weg zur nächsten Stufe</translation>
    </message>
    <message>
        <source>page to page (%1 runs)</source>
        <translation>Seite zu Seite (%1 Läufe)</translation>
    </message>
    <message>
        <source>through the app</source>
        <translation>über die App</translation>
    </message>
    <message>
        <source>The output goes straight to the next stage&apos;s page over a link; the app gets a copy to replay from</source>
        <translation>Die Ausgabe geht über eine Verbindung direkt an die Seite der nächsten Stufe; die App erhält eine Kopie für Wiederholungen</translation>
    </message>
</context>
<context>
    <name>accel::ui::AboutDialog</name>
    <message>
        <source>About Accelerate Console</source>
        <translation>Über Accelerate Console</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Accelerate Console %1&lt;/h3&gt;&lt;p&gt;Operator console for AI models on browser compute (WebGPU, WebNN, Wasm) and for distributed test fleets.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Accelerate Console %1&lt;/h3&gt;&lt;p&gt;Betriebskonsole für KI-Modelle auf Browser-Rechenleistung (WebGPU, WebNN, Wasm) und für verteilte Testflotten.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>accel::ui::CircuitTimelineWidget</name>
    <message>
        <source>%1: %2 for %3 s</source>
        <translation>%1: %2 für %3 s</translation>
    </message>
    <message>
        <source> (current)</source>
        <translation> (aktuell)</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>No hosts yet</source>
        <translation>Noch keine Hosts</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>-%1 s</source>
        <translation>-%1 s</translation>
    </message>
</context>
<context>
    <name>accel::ui::ClusterPanel</name>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>CPUs</source>
        <translation>CPUs</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>BS</translation>
    </message>
    <message>
        <source>Browsers</source>
        <translation>Browser</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Heartbeat</translation>
    </message>
    <message>
        <source>Connect...</source>
        <translation>Verbinden...</translation>
    </message>
    <message>
        <source>Connect to a remote coordinator with its URL and token</source>
        <translation>Mit einem entfernten Koordinator über URL und Token verbinden</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <source>Connect to the console&apos;s own coordinator</source>
        <translation>Mit dem eigenen Koordinator der Konsole verbinden</translation>
    </message>
    <message>
        <source>The local coordinator is not running.</source>
        <translation>Der lokale Koordinator läuft nicht.</translation>
    </message>
    <message>
        <source>Drain</source>
        <translation>Auslaufen lassen</translation>
    </message>
    <message>
        <source>Finish current tasks, take no new ones</source>
        <translation>Laufende Aufgaben beenden, keine neuen annehmen</translation>
    </message>
    <message>
        <source>Undrain</source>
        <translation>Drain aufheben</translation>
    </message>
    <message>
        <source>Take new tasks again</source>
        <translation>Wieder neue Aufgaben annehmen</translation>
    </message>
    <message>
        <source>Quarantine</source>
        <translation>Quarantäne</translation>
    </message>
    <message>
        <source>Take the worker out of scheduling</source>
        <translation>Worker aus der Aufgabenverteilung nehmen</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>End the quarantine</source>
        <translation>Quarantäne beenden</translation>
    </message>
    <message>
        <source>Start coordinator</source>
        <translation>Koordinator starten</translation>
    </message>
    <message>
        <source>Start the local coordinator</source>
        <translation>Lokalen Koordinator starten</translation>
    </message>
    <message>
        <source>Stop coordinator</source>
        <translation>Koordinator stoppen</translation>
    </message>
    <message>
        <source>Stop the local coordinator</source>
        <translation>Lokalen Koordinator stoppen</translation>
    </message>
    <message>
        <source>Start worker</source>
        <translation>Worker starten</translation>
    </message>
    <message>
        <source>Start the local worker</source>
        <translation>Lokalen Worker starten</translation>
    </message>
    <message>
        <source>Stop worker</source>
        <translation>Worker stoppen</translation>
    </message>
    <message>
        <source>Stop the local worker</source>
        <translation>Lokalen Worker stoppen</translation>
    </message>
    <message>
        <source>%1: done.</source>
        <translation>%1: erledigt.</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Connecting to %1...</source>
        <translation>Verbinde mit %1...</translation>
    </message>
    <message>
        <source>Select a worker first.</source>
        <translation>Wählen Sie zuerst einen Worker aus.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1 requested for %2.</source>
        <translation>%1 für %2 angefordert.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <source>no coordinator</source>
        <translation>kein Koordinator</translation>
    </message>
    <message>
        <source>, live</source>
        <translation>, live</translation>
    </message>
    <message>
        <source>, polling</source>
        <translation>, Abfrage</translation>
    </message>
    <message>
        <source>, next attempt in %1 ms</source>
        <translation>, nächster Versuch in %1 ms</translation>
    </message>
    <message>
        <source>&lt;b&gt;Coordinator&lt;/b&gt; %1 &amp;mdash; %2</source>
        <translation>&lt;b&gt;Koordinator&lt;/b&gt; %1 &amp;mdash; %2</translation>
    </message>
    <message>
        <source>health: %1 &amp;middot; version %2 &amp;middot; epoch %3 &amp;middot; store %4 &amp;middot; queued %5 &amp;middot; unfinished %6</source>
        <translation>Gesundheit: %1 &amp;middot; Version %2 &amp;middot; Epoche %3 &amp;middot; Speicher %4 &amp;middot; wartend %5 &amp;middot; unerledigt %6</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>not ok</source>
        <translation>nicht ok</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Redundancy</source>
        <translation>Redundanz</translation>
    </message>
</context>
<context>
    <name>accel::ui::ConnectDialog</name>
    <message>
        <source>Connect to a coordinator</source>
        <translation>Mit einem Koordinator verbinden</translation>
    </message>
    <message>
        <source>https://coordinator.example:7420</source>
        <translation>https://coordinator.example:7420</translation>
    </message>
    <message>
        <source>access token</source>
        <translation>Zugriffstoken</translation>
    </message>
    <message>
        <source>From file...</source>
        <translation>Aus Datei...</translation>
    </message>
    <message>
        <source>Read the token from the coordinator&apos;s token file</source>
        <translation>Token aus der Token-Datei des Koordinators lesen</translation>
    </message>
    <message>
        <source>Token file</source>
        <translation>Token-Datei</translation>
    </message>
    <message>
        <source>Coordinator URL:</source>
        <translation>Koordinator-URL:</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Cannot read the token file: %1</source>
        <translation>Token-Datei kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Enter an http:// or https:// URL with a host, e.g. http://127.0.0.1:7420.</source>
        <translation>Geben Sie eine http://- oder https://-URL mit Host ein, z. B. http://127.0.0.1:7420.</translation>
    </message>
    <message>
        <source>Enter the coordinator&apos;s access token or read it from its token file.</source>
        <translation>Geben Sie das Zugriffstoken des Koordinators ein oder lesen Sie es aus seiner Token-Datei.</translation>
    </message>
</context>
<context>
    <name>accel::ui::ConsoleRuntime</name>
    <message>
        <source>Metrics store unavailable: %1</source>
        <translation>Metrikspeicher nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Runtime server did not start: %1</source>
        <translation>Laufzeitserver konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>Coordinator token unavailable: %1</source>
        <translation>Koordinator-Token nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Coordinator store unavailable: %1</source>
        <translation>Koordinator-Speicher nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Coordinator did not start: %1</source>
        <translation>Koordinator konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>Demo model unavailable: %1</source>
        <translation>Demomodell nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>The local worker needs the local coordinator&apos;s address: start the coordinator first.</source>
        <translation>Der lokale Worker benötigt die Adresse des lokalen Koordinators: Starten Sie zuerst den Koordinator.</translation>
    </message>
</context>
<context>
    <name>accel::ui::DashboardWidget</name>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Health samples</source>
        <translation>Gesundheitsmessungen</translation>
    </message>
    <message>
        <source>Breaker timeline</source>
        <translation>Schutzschalter-Zeitleiste</translation>
    </message>
    <message>
        <source>Circuit state per host (hover for the reason of each transition)</source>
        <translation>Schutzschalterzustand je Host (für den Grund eines Wechsels mit der Maus darauf zeigen)</translation>
    </message>
</context>
<context>
    <name>accel::ui::EmbeddedHost</name>
    <message>
        <source>Restart host</source>
        <translation>Host neu starten</translation>
    </message>
    <message>
        <source>Discard this host&apos;s page and renderer and load it again</source>
        <translation>Seite und Renderer dieses Hosts verwerfen und neu laden</translation>
    </message>
</context>
<context>
    <name>accel::ui::HaConnectDialog</name>
    <message>
        <source>Connect to a redundant cluster</source>
        <translation>Mit einem redundanten Cluster verbinden</translation>
    </message>
    <message>
        <source>http://10.0.0.1:2379, http://10.0.0.2:2379, ...</source>
        <translation>http://10.0.0.1:2379, http://10.0.0.2:2379, ...</translation>
    </message>
    <message>
        <source>http://10.0.0.1:7420, http://10.0.0.2:7420, ...</source>
        <translation>http://10.0.0.1:7420, http://10.0.0.2:7420, ...</translation>
    </message>
    <message>
        <source>contents of the coordinators&apos; token file</source>
        <translation>Inhalt der Token-Datei der Koordinatoren</translation>
    </message>
    <message>
        <source>etcd endpoints:</source>
        <translation>etcd-Endpunkte:</translation>
    </message>
    <message>
        <source>Coordinators:</source>
        <translation>Koordinatoren:</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <source>etcd prefix:</source>
        <translation>etcd-Präfix:</translation>
    </message>
    <message>
        <source>Enter the etcd endpoints, the coordinator URLs, or both.</source>
        <translation>Geben Sie die etcd-Endpunkte, die Koordinator-URLs oder beides ein.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an etcd endpoint of the form http://host:port.</source>
        <translation>„%1“ ist kein etcd-Endpunkt der Form http://host:port.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a coordinator URL of the form http://host:port.</source>
        <translation>„%1“ ist keine Koordinator-URL der Form http://host:port.</translation>
    </message>
    <message>
        <source>At most 16 etcd endpoints and 16 coordinators.</source>
        <translation>Höchstens 16 etcd-Endpunkte und 16 Koordinatoren.</translation>
    </message>
    <message>
        <source>The etcd prefix must start with &apos;/&apos; and not end with &apos;/&apos; (default /accel).</source>
        <translation>Das etcd-Präfix muss mit „/“ beginnen und darf nicht auf „/“ enden (Standard /accel).</translation>
    </message>
    <message>
        <source>The coordinators need their token.</source>
        <translation>Die Koordinatoren brauchen ihr Token.</translation>
    </message>
</context>
<context>
    <name>accel::ui::HaItemDelegate</name>
    <message>
        <source>leader</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>follower</source>
        <translation>Follower</translation>
    </message>
    <message>
        <source>candidate</source>
        <translation>Kandidat</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>wird beendet</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ausgefallen</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source>up</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>down: %1</source>
        <translation>ausgefallen: %1</translation>
    </message>
</context>
<context>
    <name>accel::ui::HaView</name>
    <message>
        <source>Coordinator</source>
        <translation>Koordinator</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Client URL</source>
        <translation>Client-URL</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>Term</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>Index</translation>
    </message>
    <message>
        <source>Applied</source>
        <translation>Angewendet</translation>
    </message>
    <message>
        <source>DB size</source>
        <translation>DB-Größe</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Start local HA</source>
        <translation>Lokales HA starten</translation>
    </message>
    <message>
        <source>Start 3 etcd members and 3 coordinators on this machine (loopback, temporary data)</source>
        <translation>3 etcd-Mitglieder und 3 Koordinatoren auf diesem Rechner starten (Loopback, temporäre Daten)</translation>
    </message>
    <message>
        <source>Stop local HA</source>
        <translation>Lokales HA beenden</translation>
    </message>
    <message>
        <source>Kill the local etcd members and coordinators</source>
        <translation>Die lokalen etcd-Mitglieder und Koordinatoren beenden</translation>
    </message>
    <message>
        <source>Connect...</source>
        <translation>Verbinden...</translation>
    </message>
    <message>
        <source>Watch an existing redundant setup (etcd endpoints, coordinators)</source>
        <translation>Einen bestehenden redundanten Aufbau beobachten (etcd-Endpunkte, Koordinatoren)</translation>
    </message>
    <message>
        <source>Watch local</source>
        <translation>Lokal beobachten</translation>
    </message>
    <message>
        <source>Watch the local HA cluster again</source>
        <translation>Den lokalen HA-Cluster wieder beobachten</translation>
    </message>
    <message>
        <source>Kill coordinator</source>
        <translation>Koordinator abschießen</translation>
    </message>
    <message>
        <source>SIGKILL the selected local coordinator (fault drill)</source>
        <translation>Den gewählten lokalen Koordinator mit SIGKILL beenden (Fehlerübung)</translation>
    </message>
    <message>
        <source>Restart coordinator</source>
        <translation>Koordinator neu starten</translation>
    </message>
    <message>
        <source>Start the selected local coordinator again</source>
        <translation>Den gewählten lokalen Koordinator wieder starten</translation>
    </message>
    <message>
        <source>Transfer leadership</source>
        <translation>Führung übergeben</translation>
    </message>
    <message>
        <source>The leading coordinator resigns (SIGTERM: deletes its election key) and rejoins as follower</source>
        <translation>Der führende Koordinator tritt zurück (SIGTERM: löscht seinen Wahlschlüssel) und kehrt als Follower zurück</translation>
    </message>
    <message>
        <source>Kill member</source>
        <translation>Mitglied abschießen</translation>
    </message>
    <message>
        <source>SIGKILL the selected local etcd member (fault drill)</source>
        <translation>Das gewählte lokale etcd-Mitglied mit SIGKILL beenden (Fehlerübung)</translation>
    </message>
    <message>
        <source>Restart member</source>
        <translation>Mitglied neu starten</translation>
    </message>
    <message>
        <source>Restart the selected local etcd member with its data</source>
        <translation>Das gewählte lokale etcd-Mitglied mit seinen Daten neu starten</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>Mitglied hinzufügen</translation>
    </message>
    <message>
        <source>Add an etcd member (member add, then start it)</source>
        <translation>Ein etcd-Mitglied hinzufügen (member add, dann starten)</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>Mitglied entfernen</translation>
    </message>
    <message>
        <source>Remove the selected etcd member from the cluster</source>
        <translation>Das gewählte etcd-Mitglied aus dem Cluster entfernen</translation>
    </message>
    <message>
        <source>Show workers</source>
        <translation>Worker anzeigen</translation>
    </message>
    <message>
        <source>Show the leading coordinator&apos;s workers in the panel</source>
        <translation>Die Worker des führenden Koordinators im Panel anzeigen</translation>
    </message>
    <message>
        <source>etcd raft index and database size per member</source>
        <translation>etcd-Raft-Index und Datenbankgröße je Mitglied</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>raft index</source>
        <translation>Raft-Index</translation>
    </message>
    <message>
        <source>DB size (MiB)</source>
        <translation>DB-Größe (MiB)</translation>
    </message>
    <message>
        <source>New election forced: %1.</source>
        <translation>Neuwahl erzwungen: %1.</translation>
    </message>
    <message>
        <source>Forcing an election failed: %1</source>
        <translation>Erzwingen einer Wahl fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Starting a local HA cluster (3 etcd members, 3 coordinators)...</source>
        <translation>Lokaler HA-Cluster wird gestartet (3 etcd-Mitglieder, 3 Koordinatoren)...</translation>
    </message>
    <message>
        <source>Local HA cluster stopped.</source>
        <translation>Lokaler HA-Cluster beendet.</translation>
    </message>
    <message>
        <source>Coordinator killed (SIGKILL). Watch another take over.</source>
        <translation>Koordinator beendet (SIGKILL). Beobachten Sie, wie ein anderer übernimmt.</translation>
    </message>
    <message>
        <source>etcd member killed (SIGKILL).</source>
        <translation>etcd-Mitglied beendet (SIGKILL).</translation>
    </message>
    <message>
        <source>That is not possible right now (select a row of the local cluster, or wait for the running action).</source>
        <translation>Das ist gerade nicht möglich (wählen Sie eine Zeile des lokalen Clusters oder warten Sie auf die laufende Aktion).</translation>
    </message>
    <message>
        <source>Start local HA cluster</source>
        <translation>Lokalen HA-Cluster starten</translation>
    </message>
    <message>
        <source>Restart etcd member</source>
        <translation>etcd-Mitglied neu starten</translation>
    </message>
    <message>
        <source>Add etcd member</source>
        <translation>etcd-Mitglied hinzufügen</translation>
    </message>
    <message>
        <source>Remove etcd member</source>
        <translation>etcd-Mitglied entfernen</translation>
    </message>
    <message>
        <source>%1: done (%2).</source>
        <translation>%1: erledigt (%2).</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message numerus="yes">
        <source>Watching %n coordinator(s)</source>
        <translation>
            <numerusform>Beobachte %n Koordinator</numerusform>
            <numerusform>Beobachte %n Koordinatoren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> and %n etcd endpoint(s).</source>
        <translation>
            <numerusform> und %n etcd-Endpunkt.</numerusform>
            <numerusform> und %n etcd-Endpunkte.</numerusform>
        </translation>
    </message>
    <message>
        <source>Local HA cluster: starting.</source>
        <translation>Lokaler HA-Cluster: startet.</translation>
    </message>
    <message>
        <source>Local HA cluster: running.</source>
        <translation>Lokaler HA-Cluster: läuft.</translation>
    </message>
    <message>
        <source>Local HA cluster: failed to start.</source>
        <translation>Lokaler HA-Cluster: Start fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Not watching a redundant setup: start a local one or connect.</source>
        <translation>Kein redundanter Aufbau wird beobachtet: starten Sie einen lokalen oder verbinden Sie sich.</translation>
    </message>
    <message>
        <source>Leader: %1 (epoch %2).</source>
        <translation>Leader: %1 (Epoche %2).</translation>
    </message>
    <message>
        <source>No coordinator leads right now.</source>
        <translation>Gerade führt kein Koordinator.</translation>
    </message>
    <message>
        <source>etcd raft leader: %1.</source>
        <translation>etcd-Raft-Leader: %1.</translation>
    </message>
    <message>
        <source>etcd has no raft leader (quorum lost or election in progress).</source>
        <translation>etcd hat keinen Raft-Leader (Quorum verloren oder Wahl läuft).</translation>
    </message>
    <message>
        <source>etcd: %1</source>
        <translation>etcd: %1</translation>
    </message>
    <message>
        <source>%1 index</source>
        <translation>%1 Index</translation>
    </message>
    <message>
        <source>%1 DB</source>
        <translation>%1 DB</translation>
    </message>
</context>
<context>
    <name>accel::ui::HealthChartView</name>
    <message>
        <source>Host health</source>
        <translation>Host-Gesundheit</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation>Sekunden seit Start</translation>
    </message>
    <message>
        <source>health score</source>
        <translation>Gesundheitswert</translation>
    </message>
</context>
<context>
    <name>accel::ui::HistoryView</name>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>CSV exportieren...</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Browser</source>
        <translation>Browser</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>Trend</translation>
    </message>
    <message>
        <source>Change point</source>
        <translation>Änderungspunkt</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>Anomalie</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prognose</translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation>95-%-Intervall</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>Diagramm</translation>
    </message>
    <message>
        <source>Regressions</source>
        <translation>Regressionen</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Browser profiles</source>
        <translation>Browserprofile</translation>
    </message>
    <message>
        <source>No metrics store.</source>
        <translation>Kein Metrikspeicher.</translation>
    </message>
    <message>
        <source>any</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation>%1 wird geladen...</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>Abfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No data for %1 with these tags.</source>
        <translation>Keine Daten für %1 mit diesen Tags.</translation>
    </message>
    <message numerus="yes">
        <source>%n point(s), </source>
        <translation>
            <numerusform>%n Punkt, </numerusform>
            <numerusform>%n Punkte, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change point(s)</source>
        <translation>
            <numerusform>%n Änderungspunkt</numerusform>
            <numerusform>%n Änderungspunkte</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n regression(s)), </source>
        <translation>
            <numerusform> (%n Regression), </numerusform>
            <numerusform> (%n Regressionen), </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n anomaly(ies); </source>
        <translation>
            <numerusform>%n Anomalie; </numerusform>
            <numerusform>%n Anomalien; </numerusform>
        </translation>
    </message>
    <message>
        <source>trend significant (p = %1)</source>
        <translation>Trend signifikant (p = %1)</translation>
    </message>
    <message>
        <source>no significant trend</source>
        <translation>kein signifikanter Trend</translation>
    </message>
    <message>
        <source>not enough history for a trend</source>
        <translation>zu wenig Verlauf für einen Trend</translation>
    </message>
    <message>
        <source>time (epoch ms, UTC)</source>
        <translation>Zeit (Epoch-ms, UTC)</translation>
    </message>
    <message>
        <source>point</source>
        <translation>Punkt</translation>
    </message>
    <message>
        <source>Export history</source>
        <translation>Verlauf exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>%n Zeile nach %1 exportiert</numerusform>
            <numerusform>%n Zeilen nach %1 exportiert</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accel::ui::HostsPanel</name>
    <message>
        <source>Add embedded host</source>
        <translation>Eingebetteten Host hinzufügen</translation>
    </message>
    <message>
        <source>Start one more QtWebEngine page hosting the runtime</source>
        <translation>Eine weitere QtWebEngine-Seite mit der Laufzeitumgebung starten</translation>
    </message>
    <message>
        <source>Launch browser</source>
        <translation>Browser starten</translation>
    </message>
    <message>
        <source>Chromium</source>
        <translation>Chromium</translation>
    </message>
    <message>
        <source>Firefox</source>
        <translation>Firefox</translation>
    </message>
    <message>
        <source>Edge</source>
        <translation>Edge</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Stop the selected hosts and start them again</source>
        <translation>Ausgewählte Hosts stoppen und erneut starten</translation>
    </message>
    <message>
        <source>restart</source>
        <translation>Neustart</translation>
    </message>
    <message>
        <source>Isolate</source>
        <translation>Isolieren</translation>
    </message>
    <message>
        <source>Force the breaker open: no work goes to the selected hosts</source>
        <translation>Schutzschalter zwangsweise öffnen: Die ausgewählten Hosts erhalten keine Arbeit</translation>
    </message>
    <message>
        <source>isolate</source>
        <translation>Isolieren</translation>
    </message>
    <message>
        <source>Reset breaker</source>
        <translation>Schutzschalter zurücksetzen</translation>
    </message>
    <message>
        <source>Close the breaker again (ends an isolation)</source>
        <translation>Schutzschalter wieder schließen (beendet eine Isolierung)</translation>
    </message>
    <message>
        <source>reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Drain</source>
        <translation>Auslaufen lassen</translation>
    </message>
    <message>
        <source>Take no new work; close when the current work is done</source>
        <translation>Keine neue Arbeit annehmen; schließen, sobald die laufende Arbeit erledigt ist</translation>
    </message>
    <message>
        <source>drain</source>
        <translation>Auslaufen lassen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Stop and remove the selected hosts now</source>
        <translation>Ausgewählte Hosts sofort stoppen und entfernen</translation>
    </message>
    <message>
        <source>close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Show host views</source>
        <translation>Host-Ansichten anzeigen</translation>
    </message>
    <message>
        <source>Starting %1 host %2</source>
        <translation>Host %2 (%1) wird gestartet</translation>
    </message>
    <message>
        <source>Could not start a %1 host: %2</source>
        <translation>Host vom Typ %1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>Could not %1: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Start a %1 host</source>
        <translation>Host vom Typ %1 starten</translation>
    </message>
    <message>
        <source>No %1 support in this build</source>
        <translation>Keine Unterstützung für %1 in diesem Build</translation>
    </message>
</context>
<context>
    <name>accel::ui::MainWindow</name>
    <message>
        <source>Accelerate Console</source>
        <translation>Accelerate Console</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Shards</source>
        <translation>Shards</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>Cluster</translation>
    </message>
    <message>
        <source>Test runs</source>
        <translation>Testläufe</translation>
    </message>
    <message>
        <source>Browser shard hosts (embedded and launched browsers) with their capabilities, circuit breakers and health scores appear here.</source>
        <translation>Hier erscheinen die Browser-Shard-Hosts (eingebettete und gestartete Browser) mit ihren Fähigkeiten, Schutzschaltern und Gesundheitswerten.</translation>
    </message>
    <message>
        <source>Live health scores and circuit-breaker timelines for every host appear here.</source>
        <translation>Hier erscheinen live die Gesundheitswerte und Schutzschalter-Zeitleisten aller Hosts.</translation>
    </message>
    <message>
        <source>Model sharding plans and the shard configurator appear here.</source>
        <translation>Hier erscheinen die Aufteilungspläne der Modelle und der Shard-Konfigurator.</translation>
    </message>
    <message>
        <source>Performance history, trends, change points and forecasts appear here.</source>
        <translation>Hier erscheinen Leistungsverlauf, Trends, Änderungspunkte und Prognosen.</translation>
    </message>
    <message>
        <source>Coordinators, workers and etcd members appear here.</source>
        <translation>Hier erscheinen Koordinatoren, Worker und etcd-Mitglieder.</translation>
    </message>
    <message>
        <source>Distributed test runs, their progress and logs appear here.</source>
        <translation>Hier erscheinen verteilte Testläufe, ihr Fortschritt und ihre Protokolle.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>Anordnung &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>Systemvorgabe (%1)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language is used the next time the console starts.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start der Konsole.</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Accelerate Console</source>
        <translation>Über &amp;Accelerate Console</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) connected</source>
        <translation>
            <numerusform>%n Host verbunden</numerusform>
            <numerusform>%n Hosts verbunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) in pool</source>
        <translation>
            <numerusform>%n Host im Pool</numerusform>
            <numerusform>%n Hosts im Pool</numerusform>
        </translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>The loaded model, its layers, and runs on a chosen host checked against the native reference appear here.</source>
        <translation>Hier erscheinen das geladene Modell, seine Schichten und Läufe auf einem gewählten Host, geprüft gegen die native Referenz.</translation>
    </message>
</context>
<context>
    <name>accel::ui::ModelPanel</name>
    <message>
        <source>Open folder…</source>
        <translation>Ordner öffnen…</translation>
    </message>
    <message>
        <source>Load a Hugging Face model folder (config.json + model.safetensors)</source>
        <translation>Hugging-Face-Modellordner laden (config.json + model.safetensors)</translation>
    </message>
    <message>
        <source>Demo model</source>
        <translation>Demomodell</translation>
    </message>
    <message>
        <source>Load the built-in GPT-2-shaped demo model (random weights)</source>
        <translation>Eingebautes Demomodell im GPT-2-Format laden (Zufallsgewichte)</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>Kein Modell geladen</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Demo model: random weights (not a trained model). Its outputs are meaningless; it exists to exercise hosts and kernels.</source>
        <translation>Demomodell: Zufallsgewichte (kein trainiertes Modell). Seine Ausgaben sind bedeutungslos; es dient nur zum Testen von Hosts und Kernels.</translation>
    </message>
    <message>
        <source>Run on a host</source>
        <translation>Auf einem Host ausführen</translation>
    </message>
    <message>
        <source>Connected hosts of the pool: id, kind, state and health</source>
        <translation>Verbundene Hosts des Pools: ID, Art, Zustand und Gesundheit</translation>
    </message>
    <message>
        <source>auto (fastest measured)</source>
        <translation>automatisch (schnellstes gemessenes)</translation>
    </message>
    <message>
        <source>First layer (0 = from token ids; later layers start from the reference&apos;s hidden state)</source>
        <translation>Erste Schicht (0 = ab Token-IDs; spätere Schichten starten vom Hidden State der Referenz)</translation>
    </message>
    <message>
        <source>End of the range (exclusive)</source>
        <translation>Ende des Bereichs (exklusiv)</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>token ids, e.g. 464, 2068, 7586</source>
        <translation>Token-IDs, z. B. 464, 2068, 7586</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>Backend:</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>Schichten:</translation>
    </message>
    <message>
        <source>Token ids:</source>
        <translation>Token-IDs:</translation>
    </message>
    <message>
        <source>Open a model folder (config.json + model.safetensors)</source>
        <translation>Modellordner öffnen (config.json + model.safetensors)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <source>Building the demo model…</source>
        <translation>Demomodell wird erstellt…</translation>
    </message>
    <message>
        <source>GPT-2 (decoder, causal)</source>
        <translation>GPT-2 (Decoder, kausal)</translation>
    </message>
    <message>
        <source>BERT (encoder, bidirectional)</source>
        <translation>BERT (Encoder, bidirektional)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>Hidden Size</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>Heads</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>Vokabular</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>Positionen</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Float32 bytes</source>
        <translation>Float32-Bytes</translation>
    </message>
    <message>
        <source>%1 (%2 MiB)</source>
        <translation>%1 (%2 MiB)</translation>
    </message>
    <message>
        <source>Loaded the demo model (random weights, not a trained model)</source>
        <translation>Demomodell geladen (Zufallsgewichte, kein trainiertes Modell)</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1 geladen</translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation>Modell konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>This host does not offer %1</source>
        <translation>Dieser Host bietet %1 nicht an</translation>
    </message>
    <message>
        <source>Load a model to check token ids against its vocabulary.</source>
        <translation>Laden Sie ein Modell, um Token-IDs gegen sein Vokabular zu prüfen.</translation>
    </message>
    <message>
        <source>Load a model first</source>
        <translation>Zuerst ein Modell laden</translation>
    </message>
    <message>
        <source>A run is in progress</source>
        <translation>Ein Lauf ist im Gange</translation>
    </message>
    <message>
        <source>Fix the token ids first</source>
        <translation>Zuerst die Token-IDs korrigieren</translation>
    </message>
    <message>
        <source>No host selected</source>
        <translation>Kein Host ausgewählt</translation>
    </message>
    <message>
        <source>Host %1 is not ready</source>
        <translation>Host %1 ist nicht bereit</translation>
    </message>
    <message>
        <source>Host %1&apos;s breaker is %2: it takes no work now</source>
        <translation>Schutzschalter von Host %1 ist %2: Er nimmt derzeit keine Arbeit an</translation>
    </message>
    <message>
        <source>Deploy the layers on the host, run them and check the result</source>
        <translation>Schichten auf dem Host bereitstellen, ausführen und das Ergebnis prüfen</translation>
    </message>
    <message>
        <source>Fix the token ids first.</source>
        <translation>Korrigieren Sie zuerst die Token-IDs.</translation>
    </message>
    <message>
        <source>Deploying layers %1 to %2 on %3…</source>
        <translation>Schichten %1 bis %2 werden auf %3 bereitgestellt…</translation>
    </message>
    <message numerus="yes">
        <source>Running %n token(s) on %1…</source>
        <translation>
            <numerusform>%n Token wird auf %1 ausgeführt…</numerusform>
            <numerusform>%n Token werden auf %1 ausgeführt…</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking against the native reference…</source>
        <translation>Abgleich mit der nativen Referenz…</translation>
    </message>
    <message>
        <source>Uploading weights: %1 of %2 MiB sent to %3…</source>
        <translation>Gewichte werden hochgeladen: %1 von %2 MiB an %3 gesendet…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Run failed (%1): %2</source>
        <translation>Lauf fehlgeschlagen (%1): %2</translation>
    </message>
    <message>
        <source>Done on %1.</source>
        <translation>Fertig auf %1.</translation>
    </message>
</context>
<context>
    <name>accel::ui::PoolColors</name>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Half-open</source>
        <translation>Halboffen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation>Isoliert</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Metrics only</source>
        <translation>Nur Metriken</translation>
    </message>
</context>
<context>
    <name>accel::ui::ShardConfigurator</name>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Layer (even split)</source>
        <translation>Schicht (gleichmäßige Aufteilung)</translation>
    </message>
    <message>
        <source>Browser (kind affinity)</source>
        <translation>Browser (Typ-Affinität)</translation>
    </message>
    <message>
        <source>Optimal (slowest stage minimised)</source>
        <translation>Optimal (langsamste Stufe minimiert)</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuell</translation>
    </message>
    <message>
        <source>How layers are split across the selected hosts</source>
        <translation>Wie die Schichten auf die ausgewählten Hosts verteilt werden</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>Number of pipeline stages (Auto: as many as useful)</source>
        <translation>Anzahl der Pipeline-Stufen (Automatisch: so viele wie sinnvoll)</translation>
    </message>
    <message>
        <source>Candidate hosts: checked hosts may hold a stage or serve as spares</source>
        <translation>Kandidaten-Hosts: Markierte Hosts können eine Stufe übernehmen oder als Reserve dienen</translation>
    </message>
    <message>
        <source>Hand this plan to the pipeline executor</source>
        <translation>Diesen Plan an den Pipeline-Ausführer übergeben</translation>
    </message>
    <message>
        <source>Kill host</source>
        <translation>Host beenden</translation>
    </message>
    <message>
        <source>Fault drill: kill a host of the pipeline</source>
        <translation>Fehlerübung: einen Host der Pipeline beenden</translation>
    </message>
    <message>
        <source>&amp;Strategy:</source>
        <translation>&amp;Strategie:</translation>
    </message>
    <message>
        <source>S&amp;tages:</source>
        <translation>St&amp;ufen:</translation>
    </message>
    <message numerus="yes">
        <source>Model: %1 — %n layer(s)</source>
        <translation>
            <numerusform>Modell: %1 — %n Schicht</numerusform>
            <numerusform>Modell: %1 — %n Schichten</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 ms/layer</source>
        <translation>%1 ms/Schicht</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>nicht gemessen</translation>
    </message>
    <message>
        <source>%1 MiB free</source>
        <translation>%1 MiB frei</translation>
    </message>
    <message>
        <source>memory unknown</source>
        <translation>Speicher unbekannt</translation>
    </message>
    <message>
        <source>(unusable)</source>
        <translation>(unbrauchbar)</translation>
    </message>
    <message>
        <source>Choose a model to plan.</source>
        <translation>Wählen Sie ein Modell für die Planung.</translation>
    </message>
    <message>
        <source>No usable host is selected.</source>
        <translation>Kein brauchbarer Host ausgewählt.</translation>
    </message>
    <message>
        <source>The model does not fit in the free memory of the selected hosts together.</source>
        <translation>Das Modell passt nicht in den gemeinsamen freien Speicher der ausgewählten Hosts.</translation>
    </message>
    <message>
        <source>Stage %1 does not fit in its host&apos;s free memory.</source>
        <translation>Stufe %1 passt nicht in den freien Speicher ihres Hosts.</translation>
    </message>
    <message>
        <source>No plan with this many stages fits the hosts&apos; memory.</source>
        <translation>Kein Plan mit so vielen Stufen passt in den Speicher der Hosts.</translation>
    </message>
    <message>
        <source>Stage %1 has an empty or misplaced layer range.</source>
        <translation>Stufe %1 hat einen leeren oder falsch platzierten Schichtbereich.</translation>
    </message>
    <message>
        <source>The layer ranges do not cover the model.</source>
        <translation>Die Schichtbereiche decken das Modell nicht ab.</translation>
    </message>
    <message>
        <source>Stage %1 uses a host that already holds another stage.</source>
        <translation>Stufe %1 nutzt einen Host, der bereits eine andere Stufe hält.</translation>
    </message>
    <message>
        <source>Stage %1 uses a host that is not selected or not usable.</source>
        <translation>Stufe %1 nutzt einen Host, der nicht ausgewählt oder nicht brauchbar ist.</translation>
    </message>
    <message>
        <source>Too many hosts for the optimal planner: deselect some or choose another strategy.</source>
        <translation>Zu viele Hosts für den optimalen Planer: Wählen Sie einige ab oder eine andere Strategie.</translation>
    </message>
    <message>
        <source>The planner&apos;s inputs are out of range.</source>
        <translation>Die Eingaben des Planers liegen außerhalb des gültigen Bereichs.</translation>
    </message>
    <message>
        <source>The plan is invalid.</source>
        <translation>Der Plan ist ungültig.</translation>
    </message>
    <message numerus="yes">
        <source>Bottleneck: stage %1 on %2, %3 ms per request (%4 ms compute for %n layer(s) + %5 ms transfer), %6.</source>
        <translation>
            <numerusform>Engpass: Stufe %1 auf %2, %3 ms pro Anfrage (%4 ms Berechnung für %n Schicht + %5 ms Übertragung), %6.</numerusform>
            <numerusform>Engpass: Stufe %1 auf %2, %3 ms pro Anfrage (%4 ms Berechnung für %n Schichten + %5 ms Übertragung), %6.</numerusform>
        </translation>
    </message>
    <message>
        <source>transfer-bound</source>
        <translation>übertragungsbegrenzt</translation>
    </message>
    <message>
        <source>compute-bound</source>
        <translation>rechenbegrenzt</translation>
    </message>
    <message>
        <source>Estimated throughput %1 requests/s; latency %2 ms per request.</source>
        <translation>Geschätzter Durchsatz %1 Anfragen/s; Latenz %2 ms pro Anfrage.</translation>
    </message>
    <message>
        <source>No spare host.</source>
        <translation>Kein Reserve-Host.</translation>
    </message>
    <message>
        <source>Spares: %1.</source>
        <translation>Reserven: %1.</translation>
    </message>
    <message>
        <source>Move layers %1–%2 to</source>
        <translation>Schichten %1–%2 verschieben nach</translation>
    </message>
    <message>
        <source>%1 (swap stages)</source>
        <translation>%1 (Stufen tauschen)</translation>
    </message>
    <message>
        <source>Kill host %1 (fault drill)</source>
        <translation>Host %1 beenden (Fehlerübung)</translation>
    </message>
    <message>
        <source>Stage %1: %2</source>
        <translation>Stufe %1: %2</translation>
    </message>
    <message>
        <source>Compute threads per stage on its host (Auto: every hardware thread the page can use). Give each stage its own cores when several stages share a machine: stages x threads &lt;= cores.</source>
        <translation>Rechen-Threads pro Stufe auf ihrem Host (Auto: jeder Hardware-Thread, den die Seite nutzen kann). Teilen sich mehrere Stufen eine Maschine, bekommt jede Stufe eigene Kerne: Stufen x Threads &lt;= Kerne.</translation>
    </message>
    <message>
        <source>T&amp;hreads per stage:</source>
        <translation>T&amp;hreads pro Stufe:</translation>
    </message>
</context>
<context>
    <name>accel::ui::ShardPlanBar</name>
    <message numerus="yes">
        <source>Stage %1 on %2 (%3)
Layers %4–%5 (%n layer(s))</source>
        <translation>
            <numerusform>Stufe %1 auf %2 (%3)
Schichten %4–%5 (%n Schicht)</numerusform>
            <numerusform>Stufe %1 auf %2 (%3)
Schichten %4–%5 (%n Schichten)</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimated %1 ms per request: %2 ms compute (%3 ms/layer%4) + %5 ms transfer</source>
        <translation>Geschätzt %1 ms pro Anfrage: %2 ms Berechnung (%3 ms/Schicht%4) + %5 ms Übertragung</translation>
    </message>
    <message>
        <source>, not measured</source>
        <translation>, nicht gemessen</translation>
    </message>
    <message>
        <source>Weights: %1 MiB</source>
        <translation>Gewichte: %1 MiB</translation>
    </message>
    <message>
        <source>of %1 MiB free</source>
        <translation>von %1 MiB frei</translation>
    </message>
    <message>
        <source>Embeds the tokens</source>
        <translation>Bettet die Token ein</translation>
    </message>
    <message>
        <source>Applies the final norm</source>
        <translation>Wendet die finale Norm an</translation>
    </message>
    <message>
        <source>Live: %1 ms</source>
        <translation>Live: %1 ms</translation>
    </message>
    <message>
        <source>Bottleneck of the pipeline</source>
        <translation>Engpass der Pipeline</translation>
    </message>
    <message>
        <source>No plan</source>
        <translation>Kein Plan</translation>
    </message>
    <message>
        <source>L %1–%2</source>
        <translation>S %1–%2</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>live %1 ms</source>
        <translation>live %1 ms</translation>
    </message>
</context>
<context>
    <name>accel::ui::TaskDetailView</name>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Select a task to see its output.</source>
        <translation>Wählen Sie eine Aufgabe aus, um ihre Ausgabe zu sehen.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (loading...)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (wird geladen...)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2, attempt %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2, Versuch %3</translation>
    </message>
    <message>
        <source>waiting: %1</source>
        <translation>wartet: %1</translation>
    </message>
</context>
<context>
    <name>accel::ui::TestRunsView</name>
    <message>
        <source>Suite</source>
        <translation>Suite</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>Bestanden</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Flaky</source>
        <translation>Instabil</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Last failure</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Submit suite...</source>
        <translation>Suite einreichen...</translation>
    </message>
    <message>
        <source>Send a suite JSON file to the coordinator</source>
        <translation>Eine Suite-JSON-Datei an den Koordinator senden</translation>
    </message>
    <message>
        <source>Cancel suite</source>
        <translation>Suite abbrechen</translation>
    </message>
    <message>
        <source>Stop the selected suite: running tasks are cancelled, queued ones skipped</source>
        <translation>Ausgewählte Suite stoppen: Laufende Aufgaben werden abgebrochen, wartende übersprungen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Fetch everything from the coordinator again</source>
        <translation>Alles erneut vom Koordinator abrufen</translation>
    </message>
    <message>
        <source>Suite not submitted</source>
        <translation>Suite nicht eingereicht</translation>
    </message>
    <message>
        <source>The coordinator did not accept %1:
%2</source>
        <translation>Der Koordinator hat %1 nicht angenommen:
%2</translation>
    </message>
    <message numerus="yes">
        <source>Submitted %1 as suite %2 (%n task(s)).</source>
        <translation>
            <numerusform>%1 als Suite %2 eingereicht (%n Aufgabe).</numerusform>
            <numerusform>%1 als Suite %2 eingereicht (%n Aufgaben).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Suite %1 cancelled (%n task(s) stopped or skipped).</source>
        <translation>
            <numerusform>Suite %1 abgebrochen (%n Aufgabe gestoppt oder übersprungen).</numerusform>
            <numerusform>Suite %1 abgebrochen (%n Aufgaben gestoppt oder übersprungen).</numerusform>
        </translation>
    </message>
    <message>
        <source>Suite %1 could not be cancelled: %2</source>
        <translation>Suite %1 konnte nicht abgebrochen werden: %2</translation>
    </message>
    <message>
        <source>Submit a suite</source>
        <translation>Suite einreichen</translation>
    </message>
    <message>
        <source>Suite JSON (*.json);;All files (*)</source>
        <translation>Suite-JSON (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot read the suite file</source>
        <translation>Suite-Datei kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Invalid suite file</source>
        <translation>Ungültige Suite-Datei</translation>
    </message>
    <message>
        <source>%1 is larger than the limit of %2 MiB.</source>
        <translation>%1 ist größer als das Limit von %2 MiB.</translation>
    </message>
    <message>
        <source>%1 is not a valid suite:
%2</source>
        <translation>%1 ist keine gültige Suite:
%2</translation>
    </message>
    <message>
        <source>Not connected to a coordinator. Connect in the Cluster panel first.</source>
        <translation>Nicht mit einem Koordinator verbunden. Verbinden Sie sich zuerst im Cluster-Bereich.</translation>
    </message>
    <message numerus="yes">
        <source>Submitting %1 (%n task(s))...</source>
        <translation>
            <numerusform>%1 wird eingereicht (%n Aufgabe)...</numerusform>
            <numerusform>%1 wird eingereicht (%n Aufgaben)...</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling suite %1...</source>
        <translation>Suite %1 wird abgebrochen...</translation>
    </message>
</context>
</TS>
