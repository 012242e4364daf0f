// Compile-only stub, never shipped or run.  lotus.notes.addins.JavaServerAddin
// (in Notes.jar) is the class the RunJava task loads.  HCL does not document
// it; these are the members public add-ins call (AndyBrunner/Domino-JAddin
// src/JAddin.java, and others), with the types they use.  Build the add-in
// for a server against that server's own Notes.jar (contrib/domino/README).
package lotus.notes.addins;

public class JavaServerAddin extends lotus.domino.NotesThread {
	public JavaServerAddin() {
	}

	public boolean addInRunning() {
		return false;
	}

	public void AddInLogMessageText(String message, int code) {
	}

	public int AddInCreateStatusLine(String name) {
		return 0;
	}

	public void AddInSetStatusLine(int task, String text) {
	}

	public void AddInDeleteStatusLine(int task) {
	}
}
