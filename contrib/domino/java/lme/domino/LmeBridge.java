package lme.domino;

import java.nio.file.Path;
import java.nio.file.Paths;

import lotus.domino.NotesFactory;
import lotus.domino.Session;
import lotus.notes.addins.JavaServerAddin;

/**
 * The RunJava server add-in: "load runjava lme.domino.LmeBridge [CONFIG]"
 * (CONFIG: the bridge's configuration, lme-domino(7); else the file named
 * by the notes.ini variable LME_BRIDGE_CONF).  Polls once a second until
 * the server or "tell runjava unload lme.domino.LmeBridge" stops it.
 *
 * JavaServerAddin (lotus.notes.addins, in Notes.jar) is what RunJava
 * loads; HCL does not document it, and this class uses only the members
 * that public add-ins use (runNotes, addInRunning, AddInLogMessageText,
 * AddInCreateStatusLine, AddInSetStatusLine, AddInDeleteStatusLine).
 */
public final class LmeBridge extends JavaServerAddin {
	private final String[] args;

	public LmeBridge() {
		this(new String[0]);
	}

	public LmeBridge(String[] args) {
		this.args = args;
	}

	private void say(String msg) {
		AddInLogMessageText("LmeBridge: " + msg, 0);
	}

	@Override
	public void runNotes() {
		setName("LmeBridge");
		int task = AddInCreateStatusLine("LmeBridge");
		Session session = null;
		Bridge bridge = null;
		try {
			session = NotesFactory.createSession();
			String conf = args.length > 0 ? args[0] : session.getEnvironmentString("LME_BRIDGE_CONF", true);
			if (conf == null || conf.isEmpty()) {
				say("no configuration: load runjava lme.domino.LmeBridge FILE, or set LME_BRIDGE_CONF");
				return;
			}
			Path p = Paths.get(conf);
			Config cf = Config.read(p);
			Bridge.Log log = new Bridge.Log() {
				@Override
				public void info(String m) {
					say(m);
				}

				@Override
				public void warn(String m) {
					say("warning: " + m);
				}
			};
			bridge = new Bridge(cf, new NotesSide(session, cf), Hook.NONE, log, Bridge.Clock.SYSTEM);
			if (!bridge.start()) {
				say(cf.spool + "/domino/lock is held by another bridge: not started");
				return;
			}
			say("started: spool " + cf.spool);
			AddInSetStatusLine(task, "Idle");
			while (addInRunning()) {
				long t0 = System.currentTimeMillis();
				int n = bridge.round();
				AddInSetStatusLine(task, n > 0 ? "Moved " + n : "Idle");
				long left = 1000 - (System.currentTimeMillis() - t0);
				if (left > 0 && n == 0)
					Thread.sleep(left);
			}
			say("stopped");
		} catch (Exception e) {
			say("stopped: " + e);
		} finally {
			try {
				if (bridge != null)
					bridge.stop();
				if (session != null)
					session.recycle();
			} catch (Exception e) {
				// nothing left to do
			}
			AddInDeleteStatusLine(task);
		}
	}
}
