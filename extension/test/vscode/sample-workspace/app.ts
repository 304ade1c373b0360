export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

export function addTodo(todos: Todo[], title: string): Todo[] {
  const id = todos.length ? Math.max(...todos.map((t) => t.id)) + 1 : 1;
  return [...todos, { id, title, done: false }];
}

export function toggle(todos: Todo[], id: number): Todo[] {
  return todos.map((t) => (t.id === id ? { ...t, done: !t.done } : t));
}
