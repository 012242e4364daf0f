// Compile-only stub, never shipped or run: the members of the Domino Java API
// (lotus.domino in Notes.jar) that contrib/domino uses, written from HCL's Domino
// Designer Java reference (help.hcl-software.com/dom_designer/.../basic/H_*_JAVA.html).
// A wrong name or type in the bridge fails "make domino".  Build the add-in
// for a server against that server's own Notes.jar (contrib/domino/README).
package lotus.domino;

public interface Base {
	void recycle() throws NotesException;
}
